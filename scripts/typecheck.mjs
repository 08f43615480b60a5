// `tsc --noEmit -p tsconfig.json` (src, test, examples, scripts: the same diagnostics, the same exit status) that, with
// `--dts <dir>`, also writes from the same program the declaration files of src/ that tsc -p tsconfig.build.json
// writes to .cache/dts, for scripts/build-dts.mjs to read from <dir> (DESCENT_DTS=<dir>), and the groups of
// scripts/node-groups.mjs (<dir>/node-groups.json). `npm test`
// (scripts/test.mjs) uses it so that src/ is type-checked once, not once for the check and again for the build.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { FROM_TYPECHECK, nodeGroups } from './node-groups.mjs'

const root = resolve(import.meta.dirname, '..')
const dtsAt = process.argv.indexOf('--dts')
const dtsDir = dtsAt >= 0 ? resolve(process.argv[dtsAt + 1]) : null
// Emptied first, so a run that stops early leaves no declarations of an earlier run for the build to take.
if (dtsDir) rmSync(dtsDir, { recursive: true, force: true })

const host = {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    report([d])
    process.exit(2)
  },
}
const parse = (file) => ts.getParsedCommandLineOfConfigFile(join(root, file), {}, host)
const check = parse('tsconfig.json')
const build = parse('tsconfig.build.json')

// tsconfig.build.json's emit options (declaration, emitDeclarationOnly) on tsconfig.json's program; outDir is only where
// tsc would put the files: each file is written under dtsDir at its path relative to src/, as rootDir src gives.
const options = dtsDir
  ? { ...check.options, ...build.options, rootDir: undefined, incremental: false, tsBuildInfoFile: undefined }
  : check.options
const program = ts.createProgram({
  rootNames: check.fileNames,
  options,
  configFileParsingDiagnostics: check.errors,
})

// What tsc --noEmit reports: the configuration's, the options', and every file's syntax and semantic diagnostics.
const diagnostics = [
  ...program.getConfigFileParsingDiagnostics(),
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...program.getSyntacticDiagnostics(),
  ...program.getSemanticDiagnostics(),
]

if (dtsDir) {
  const src = join(root, 'src')
  const built = new Set(build.fileNames.map((f) => resolve(f)))
  const outSrc = join(resolve(root, options.outDir), 'src')
  for (const sf of program.getSourceFiles()) {
    if (!built.has(resolve(sf.fileName))) continue
    // What tsc -p tsconfig.build.json reports: the declaration emit's own diagnostics, for the files it builds.
    const emitted = program.emit(
      sf,
      (file, text) => {
        const out = join(dtsDir, relative(outSrc, file))
        if (!out.startsWith(dtsDir) || relative(src, sf.fileName).startsWith('..'))
          throw new Error(`${file}: outside src/`)
        mkdirSync(dirname(out), { recursive: true })
        writeFileSync(out, text)
      },
      undefined,
      true,
    )
    diagnostics.push(...emitted.diagnostics)
  }
  // The build's grouping of Node's layout (scripts/node-groups.mjs), from this program too.
  writeFileSync(join(dtsDir, FROM_TYPECHECK), JSON.stringify(nodeGroups(program)))
}

function report(list) {
  if (list.length === 0) return
  const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics
  process.stdout.write(
    format(list, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    }),
  )
}
report(ts.sortAndDeduplicateDiagnostics(diagnostics))
process.exit(diagnostics.length > 0 ? 2 : 0)
