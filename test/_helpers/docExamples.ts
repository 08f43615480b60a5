import assert from 'node:assert'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

/** One `@example` block found in a TSDoc comment. */
export interface DocExample {
  readonly file: string
  readonly line: number
  readonly code: string
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })

/** Every `@example` block in the TSDoc comments under `root`, with the comment markers stripped. */
export function collectExamples(root: string, base: string): DocExample[] {
  const out: DocExample[] = []
  for (const file of walk(root)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const lines = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, ''))
      const startLine = text.slice(0, m.index).split('\n').length
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i]!.startsWith('@example')) continue
        const body: string[] = []
        let j = i + 1
        for (; j < lines.length && !/^@\w+/.test(lines[j]!); j++) body.push(lines[j]!)
        out.push({ file: relative(base, file), line: startLine + i, code: body.join('\n').trim() })
        i = j - 1
      }
    }
  }
  return out
}

/**
 * Rewrites the imports of an example into lookups in `__mods` (the modules an example may import), so that the
 * example can run as the body of an async function after its types are stripped.
 */
export function rewriteImports(code: string): { code: string; modules: string[] } {
  const modules: string[] = []
  const rewritten = code.replace(
    /^import\s+([\s\S]+?)\s+from\s+'([^']+)'\s*;?\s*$/gm,
    (_, clause: string, mod: string) => {
      modules.push(mod)
      const src = `__mods[${JSON.stringify(mod)}]`
      const star = /^\*\s+as\s+(\w+)$/.exec(clause.trim())
      if (star) return `const ${star[1]} = ${src}`
      const dflt = /^(\w+)$/.exec(clause.trim())
      if (dflt) return `const ${dflt[1]} = ${src}.default ?? ${src}`
      const named = /^(type\s+)?\{([\s\S]*)\}$/.exec(clause.trim())
      if (!named) throw new Error(`unsupported import in example: import ${clause} from '${mod}'`)
      if (named[1]) return ''
      const names = named[2]!
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && !s.startsWith('type '))
        .map((s) => s.replace(/\s+as\s+/, ': '))
      return names.length === 0 ? '' : `const { ${names.join(', ')} } = ${src}`
    },
  )
  return { code: rewritten, modules }
}

/** An example's code as JavaScript (types stripped, imports rewritten by {@link rewriteImports}), and its modules. */
export function compileExample(code: string): { js: string; modules: string[] } {
  const { code: rewritten, modules } = rewriteImports(code)
  const js = ts.transpileModule(rewritten, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText
  return { js, modules }
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...a: unknown[]) => Promise<void>

/**
 * Runs a compiled example as the body of an async function, with `mods` as the modules it may import and node's
 * `assert`; rejects when the example throws (a failed assertion included).
 */
export const runExample = (js: string, mods: Record<string, unknown>): Promise<void> =>
  new AsyncFunction('__mods', 'assert', js)(mods, assert)
