import { dirname, resolve } from 'node:path'
import ts from 'typescript'

/** A piece of documentation code to type-check as its own module, named for error messages (`file:line`). */
export interface Snippet {
  readonly name: string
  readonly code: string
}

const root = resolve(__dirname, '../..')

/**
 * The compiler options for documentation code: the project's own (tsconfig.json: strict, exactOptionalPropertyTypes,
 * noUncheckedIndexedAccess, ...), with `descent-ts`, `descent-ts/testing` and `descent-ts/gpu` resolved to src/ as a user's
 * installed package resolves them to dist/. Unused locals are allowed: an example may bind a name only to show it.
 */
function snippetOptions(): ts.CompilerOptions {
  const configPath = resolve(root, 'tsconfig.json')
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p))
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath))
  return {
    ...options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    baseUrl: root,
    paths: {
      'descent-ts': ['src/index.ts'],
      'descent-ts/testing': ['src/testing/index.ts'],
      'descent-ts/gpu': ['src/gpu/index.ts'],
      'descent-ts/contrib': ['src/contrib/index.ts'],
      'descent-ts/losses': ['src/grad/losses/index.ts'],
      'descent-ts/projections': ['src/projections/index.ts'],
      'descent-ts/schedules': ['src/schedules/index.ts'],
      'descent-ts/tree': ['src/core/tree.ts'],
      'descent-ts/ops': ['src/grad/ops/index.ts'],
    },
  }
}

// Examples run with node's `assert` in scope (test/_helpers/docExamples.ts runExample), so they may use it unimported.
const GLOBALS = `declare const assert: typeof import('node:assert')\n`

/**
 * Type-checks each snippet as a module of its own (top-level await allowed), in one program, and returns the
 * diagnostics of each snippet that has any, as `name:line: message` strings keyed by snippet name.
 */
export function typecheckSnippets(snippets: readonly Snippet[]): Map<string, string[]> {
  const options = snippetOptions()
  const dir = resolve(root, '__doc_snippets__')
  const files = new Map<string, Snippet>(snippets.map((s, i) => [resolve(dir, `snippet${i}.ts`), s]))
  const globalsFile = resolve(dir, 'globals.d.ts')
  const text = (f: string): string | undefined =>
    f === globalsFile ? GLOBALS : files.has(f) ? `${files.get(f)!.code}\nexport {}\n` : undefined
  const host = ts.createCompilerHost(options)
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (f, lang, ...rest) => {
    const t = text(f)
    return t === undefined ? getSourceFile.call(host, f, lang, ...rest) : ts.createSourceFile(f, t, lang, true)
  }
  host.fileExists = (f) => text(f) !== undefined || fileExists.call(host, f)
  host.readFile = (f) => text(f) ?? readFile.call(host, f)
  const program = ts.createProgram([globalsFile, ...files.keys()], options, host)
  const out = new Map<string, string[]>()
  for (const [file, snippet] of files) {
    const sf = program.getSourceFile(file)!
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]
    if (diags.length === 0) continue
    out.set(
      snippet.name,
      diags.map((d) => {
        const line = d.start === undefined ? 0 : sf.getLineAndCharacterOfPosition(d.start).line + 1
        return `${snippet.name} (+${line}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`
      }),
    )
  }
  return out
}
