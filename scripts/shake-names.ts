import ts from 'typescript'

// Post-processing of one per-module ESM file built with esbuild's keepNames, so that a bundler can drop what an app
// does not use, while every function and class keeps the name it has today (in Node, unbundled, and for classes also
// in a minified bundle). keepNames wraps each function in a call `__name(fn, "fn")`, which a bundler must keep with
// the function, and gives each class a static block `static { __name(this, "C") }`, which makes the class a side
// effect a bundler must keep even when nothing uses it. In a file built on its own no name is ever changed, so:
// - `var f = __name((...) => ..., "f")` and `f: __name(function () {...}, "f")` lose the call: JavaScript itself
//   names an anonymous function after the variable or property it initialises (the same name);
// - `__name(f, "f");` after `function f` goes (a function declaration has its name);
// - a top-level `var C = class ... { static { __name(this, "C") } }` is wrapped in a pure IIFE, and a top-level
//   initialiser's `Object.freeze(...)` calls are marked pure: both are kept, and run as before, when the variable is
//   used, and dropped with it when not;
// - the `__name` helper goes when nothing calls it any more.

const NAME_CALL = /^__name\d*$/

/**
 * The function and the name of a keepNames call: `__name(fn, "n")`, or in tsup's CommonJS chunks, which import the
 * helper, `_chunkXcjs.__name.call(void 0, fn, "n")`.
 */
function nameCall(call: ts.CallExpression): readonly [ts.Expression, ts.Expression] | undefined {
  const callee = call.expression
  const args = call.arguments
  if (ts.isIdentifier(callee) && NAME_CALL.test(callee.text) && args.length === 2) return [args[0]!, args[1]!]
  if (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'call' &&
    ts.isPropertyAccessExpression(callee.expression) &&
    NAME_CALL.test(callee.expression.name.text) &&
    args.length === 3 &&
    ts.isVoidExpression(args[0]!)
  )
    return [args[1]!, args[2]!]
  return undefined
}

/** The text of the function a `__name(fn, "n")` call wraps, when dropping the call keeps the name `n`. */
function redundantWrapper(call: ts.CallExpression): boolean {
  const parts = nameCall(call)
  if (parts === undefined) return false
  const [fn, name] = parts
  if (!ts.isStringLiteral(name)) return false
  const anonymous = ts.isArrowFunction(fn) || (ts.isFunctionExpression(fn) && fn.name === undefined)
  if (!anonymous) return false
  const parent = call.parent
  if (ts.isVariableDeclaration(parent) && parent.initializer === call)
    return ts.isIdentifier(parent.name) && parent.name.text === name.text
  if (ts.isPropertyAssignment(parent) && parent.initializer === call)
    return (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name)) && parent.name.text === name.text
  return false
}

interface Edit {
  readonly start: number
  readonly end: number
  readonly text: string
}

const PURE = '/* @__PURE__ */ '

/** Where a node starts, with the `/* @__PURE__ *\/` comment esbuild may have put before it. */
function startWithPure(node: ts.Node, text: string): number {
  const start = node.getStart()
  return text.slice(Math.max(0, start - PURE.length), start) === PURE ? start - PURE.length : start
}

const hasStaticName = (c: ts.ClassExpression): boolean =>
  c.members.some(
    (m) =>
      ts.isClassStaticBlockDeclaration(m) &&
      m.body.statements.some(
        (s) =>
          ts.isExpressionStatement(s) &&
          ts.isCallExpression(s.expression) &&
          ts.isIdentifier(s.expression.expression) &&
          NAME_CALL.test(s.expression.expression.text),
      ),
  )

/** `file`'s text with the edits described above (the text itself when there are none). */
export function shakeNames(text: string, file = 'module.js'): string {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS)
  const edits: Edit[] = []
  const functions = new Set(
    source.statements.filter(ts.isFunctionDeclaration).flatMap((f) => (f.name ? [f.name.text] : [])),
  )

  // Top-level statements: `__name(f, "f");` after `function f`; classes; Object.freeze in initialisers.
  for (const s of source.statements) {
    if (ts.isExpressionStatement(s) && ts.isCallExpression(s.expression)) {
      const [fn, name] = nameCall(s.expression) ?? []
      if (
        fn !== undefined &&
        name !== undefined &&
        ts.isIdentifier(fn) &&
        ts.isStringLiteral(name) &&
        fn.text === name.text &&
        functions.has(fn.text)
      ) {
        edits.push({ start: startWithPure(s, text), end: s.getEnd(), text: '' })
        continue
      }
    }
    if (!ts.isVariableStatement(s)) continue
    for (const d of s.declarationList.declarations) {
      const init = d.initializer
      if (init === undefined) continue
      if (ts.isClassExpression(init) && hasStaticName(init)) {
        edits.push({ start: init.getStart(), end: init.getStart(), text: `${PURE}(() => ` })
        edits.push({ start: init.getEnd(), end: init.getEnd(), text: ')()' })
        continue
      }
      // Object.freeze(...) outside any function of the initialiser: it runs once, its result is the value kept.
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) || ts.isClassLike(n)) return
        if (
          ts.isCallExpression(n) &&
          ts.isPropertyAccessExpression(n.expression) &&
          n.expression.getText() === 'Object.freeze' &&
          startWithPure(n, text) === n.getStart()
        )
          edits.push({ start: n.getStart(), end: n.getStart(), text: PURE })
        ts.forEachChild(n, visit)
      }
      visit(init)
    }
  }

  // Function wrappers anywhere.
  const unwrap = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && redundantWrapper(n)) {
      const fn = nameCall(n)![0]
      edits.push({ start: startWithPure(n, text), end: fn.getStart(), text: '' })
      edits.push({ start: fn.getEnd(), end: n.getEnd(), text: '' })
    }
    ts.forEachChild(n, unwrap)
  }
  unwrap(source)

  if (edits.length === 0) return text
  edits.sort((a, b) => b.start - a.start || b.end - a.end)
  let out = text
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end)

  // The helpers, once nothing uses them.
  const uses = (name: string) => (out.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length
  for (const helper of out.match(/^var (__name\d*) = .*\n/gm) ?? []) {
    const name = /^var (\w+)/.exec(helper)![1]!
    if (uses(name) === 1) out = out.replace(helper, '')
  }
  for (const helper of out.match(/^var (__defProp\d*) = Object\.defineProperty;\n/gm) ?? []) {
    const name = /^var (\w+)/.exec(helper)![1]!
    if (uses(name) === 1) out = out.replace(helper, '')
  }
  return out
}
