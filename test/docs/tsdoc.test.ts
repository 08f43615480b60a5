import { resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// The equivalent of optax's coverage_check.py: every public export carries TSDoc, and every runtime export
// (function, constant, class) has a runnable @example and a @since tag.
const root = resolve(__dirname, '../..')
const entries = ['src/index.ts', 'src/testing/index.ts', 'src/gpu/index.ts'] // descent, descent-ts/testing, descent-ts/gpu
// Only the exports' declarations and their TSDoc are read, never a diagnostic: neither the DOM's types (the default
// lib) nor Node's (every @types package, by default) are needed, and parsing them was a third of this file's time.
const program = ts.createProgram(
  entries.map((e) => resolve(root, e)),
  { strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] },
)
const checker = program.getTypeChecker()

interface ExportDoc {
  readonly name: string
  readonly runtime: boolean
  readonly doc: string
  readonly tags: readonly string[]
}

function describeExport(symbol: ts.Symbol, prefix = ''): ExportDoc[] {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
  const name = prefix + symbol.getName()
  const decl = target.declarations?.[0]
  if (decl && ts.isSourceFile(decl)) {
    // A namespace re-export (`export * as tree`): check each of its members instead.
    return checker.getExportsOfModule(target).flatMap((s) => describeExport(s, `${name}.`))
  }
  const runtime = (target.flags & ts.SymbolFlags.Value) !== 0
  const doc = ts.displayPartsToString(target.getDocumentationComment(checker))
  const tags = target.getJsDocTags(checker).map((t) => t.name)
  return [{ name, runtime, doc, tags }]
}

const exportsDocs = entries.flatMap((e) =>
  checker
    .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(resolve(root, e))!)!)
    .flatMap((s) => describeExport(s, e.includes('testing') ? 'testing:' : e.includes('gpu') ? 'gpu:' : '')),
)

describe('public API documentation', () => {
  it('has exports to check', () => expect(exportsDocs.length).toBeGreaterThan(40))

  it.each(exportsDocs.map((e) => [e.name, e] as const))('%s has TSDoc', (_, e) => {
    expect(e.doc.trim().length, `${e.name} needs a TSDoc summary`).toBeGreaterThan(10)
    expect(e.tags, `${e.name} needs @since`).toContain('since')
    if (e.runtime) expect(e.tags, `${e.name} needs a runnable @example`).toContain('example')
  })
})
