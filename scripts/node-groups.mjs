// Node's layout (dist/node) compiles on import only what every program needs: issue 12 asks for
// `import('descent-ts')` in ≤ 20 ms, and V8 pre-parses every function of a file it loads (~30 µs per KB here), so the
// ~580 KB of the whole library cost ~16-20 ms before a line of it ran. Each public value belongs to a group, by the
// folder of the module that declares it; the `core` group is loaded on import, every other group on the first call
// of one of its functions (scripts/build-node.mjs writes the stand-ins). Run before tsup: it writes one entry per
// group under .cache/node-groups/ (tsup.config.ts builds them, sharing chunks) and the manifest build-node.mjs reads.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = resolve(import.meta.dirname, '..')
export const GROUPS_DIR = join(root, '.cache', 'node-groups')
/**
 * What scripts/typecheck.mjs --dts <dir> writes into <dir>: nodeGroups() of its own program, which the build takes
 * (DESCENT_DTS=<dir>, as scripts/build-dts.mjs takes the declarations) instead of parsing src/ again (~3 s CPU).
 */
export const FROM_TYPECHECK = 'node-groups.json'

/**
 * The group of each module, by path under src/ (the first prefix that matches). Classes are always `core`: a class
 * cannot be stood in for (`instanceof`, `new`, `extends`), so each lives in a small module (its error class apart from
 * the function that throws it, as src/grad/gradCheckError.ts). The optimizers that differentiate (L-BFGS and the
 * line searches) go with the autodiff they load anyway; the backend switch (kernels/dispatch.ts) with the wasm
 * kernels it loads, which the first optimizer step or tensor operation loads anyway. `common` holds the optimizers
 * most programs start with, the transforms they are made of, and the schedules (~100 KB beyond core): `adam(1e-3)`
 * loads it, not the ~250 KB of every optimizer and transform.
 */
const GROUP_OF_MODULE = [
  ['core/powerIteration.ts', 'linalg'],
  ['core/matrixInversePthRoot.ts', 'linalg'],
  ['core/nnls.ts', 'linalg'],
  ['core/hungarianAlgorithm.ts', 'linalg'],
  ['core/', 'core'],
  ['kernels/', 'kernels'],
  ['transforms/scaleByZoomLinesearch.ts', 'grad'],
  ['transforms/scaleByBacktrackingLinesearch.ts', 'grad'],
  ['transforms/valueAndGradFromState.ts', 'grad'],
  ['optimizers/lbfgs.ts', 'grad'],
  ...[
    'optimizers/sgd.ts',
    'optimizers/adam.ts',
    'optimizers/adamw.ts',
    'optimizers/rmsprop.ts',
    'optimizers/adagrad.ts',
    'optimizers/lion.ts',
    'transforms/addDecayedWeights.ts',
    'transforms/clip.ts',
    'transforms/clipByGlobalNorm.ts',
    'transforms/masked.ts',
    'transforms/scale.ts',
    'transforms/scaleByAdam.ts',
    'transforms/scaleByLearningRate.ts',
    'transforms/scaleByLion.ts',
    'transforms/scaleByRms.ts',
    'transforms/scaleByRss.ts',
    'transforms/scaleBySchedule.ts',
    'transforms/scaleByStddev.ts',
    'transforms/trace.ts',
    'schedules/',
  ].map((prefix) => [prefix, 'common']),
  ['transforms/', 'optim'],
  ['optimizers/', 'optim'],
  ['grad/losses/', 'losses'],
  ['grad/', 'grad'],
  ['train/', 'train'],
  ['contrib/', 'contrib'],
  ['projections/', 'projections'],
  ['experimental/', 'experimental'],
]

/**
 * The groups whose optimizers are made of `common`'s transforms: they re-export it, so that its modules are reached
 * from the same entries and esbuild keeps them in few chunks (the first `adam` call loads 4 files, not 9: ~6 ms CPU
 * here instead of ~10).
 */
const ON_COMMON = ['optim', 'contrib', 'train', 'experimental', 'testing']

const groupOf = (file, isClass) => {
  if (isClass) return 'core'
  const path = relative(join(root, 'src'), file)
  const hit = GROUP_OF_MODULE.find(([prefix]) => path.startsWith(prefix))
  if (hit === undefined) throw new Error(`scripts/node-groups.mjs: src/${path} has no group (GROUP_OF_MODULE)`)
  return hit[1]
}

/**
 * The manifest: every export of src/index.ts as `{ group, key }` (a value: export `key` of the group's entry) or
 * `{ members }` (a namespace, member by member), and each group's entry, `export { name as key } from 'module'` with
 * one key per declaring module and name, so that `add` and `ops.add` are one function. `program`: any program that
 * includes src/index.ts (only its exports are looked at).
 */
export function nodeGroups(program = srcProgram()) {
  const index = join(root, 'src', 'index.ts')
  const checker = program.getTypeChecker()
  const resolveAlias = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s)
  const moduleOf = (file) => checker.getSymbolAtLocation(program.getSourceFile(file))
  const entries = new Map() // group → Map(key → [file, name])
  const keys = new Map() // `${file}#${name}` → { group, key }
  const exportNameIn = (file, target) => {
    const hit = checker.getExportsOfModule(moduleOf(file)).find((e) => resolveAlias(e) === target)
    if (hit === undefined) throw new Error(`${relative(root, file)} does not export ${target.name}`)
    return hit.name
  }
  const valueOf = (target) => {
    const declaration = target.declarations?.[0]
    if (declaration === undefined) throw new Error(`no declaration of ${target.name}`)
    const file = declaration.getSourceFile().fileName
    const name = exportNameIn(file, target)
    const id = `${file}#${name}`
    if (!keys.has(id)) {
      const group = groupOf(file, (target.flags & ts.SymbolFlags.Class) !== 0)
      if (!entries.has(group)) entries.set(group, new Map())
      const key = `$v${keys.size}`
      entries.get(group).set(key, [file, name])
      keys.set(id, { group, key })
    }
    return keys.get(id)
  }
  const exportsOf = (moduleSymbol) => {
    const out = {}
    for (const e of checker.getExportsOfModule(moduleSymbol)) {
      const target = resolveAlias(e)
      if (target.flags & ts.SymbolFlags.ValueModule && target.declarations?.[0]?.kind === ts.SyntaxKind.SourceFile)
        out[e.name] = { members: exportsOf(target) }
      else if (target.flags & ts.SymbolFlags.Value) out[e.name] = valueOf(target)
    }
    return out
  }
  const exported = exportsOf(moduleOf(index))
  const sources = {}
  for (const [group, values] of entries) {
    // Every other entry re-exports the core entry, so that every module of `core` is reached from every entry and
    // esbuild puts them all in one shared chunk (loading a file costs Node ~0.3 ms beyond its compilation).
    const byFile = new Map(
      [...(group === 'core' ? [] : ['core']), ...(ON_COMMON.includes(group) ? ['common'] : [])].map((g) => [
        `./${g}.ts`,
        ['*'],
      ]),
    )
    for (const [key, [file, name]] of values) {
      if (!byFile.has(file)) byFile.set(file, [])
      byFile.get(file).push(name === key ? key : `${name} as ${key}`)
    }
    sources[group] = [...byFile]
      .map(([file, names]) =>
        names[0] === '*'
          ? `export * from '${file.replace(/\.ts$/, '')}'\n`
          : `export { ${names.join(', ')} } from '${file.replace(/\.ts$/, '')}'\n`,
      )
      .join('')
  }
  // descent-ts/testing and descent-ts/gpu too (scripts/build-node.mjs writes their entries without the core keys).
  for (const entry of ['testing', 'gpu'])
    sources[entry] =
      `export * from './core'\n${ON_COMMON.includes(entry) ? "export * from './common'\n" : ''}` +
      `export * from '${join(root, 'src', entry, 'index')}'\n`
  return { exported, groups: [...entries.keys()], entries: Object.keys(sources), sources }
}

const srcProgram = () =>
  ts.createProgram([join(root, 'src', 'index.ts')], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  })

if (import.meta.url === `file://${process.argv[1]}`) {
  const dts = process.env.DESCENT_DTS
  const { exported, groups, entries, sources } = dts
    ? JSON.parse(readFileSync(join(resolve(dts), FROM_TYPECHECK), 'utf8'))
    : nodeGroups()
  if (!groups.includes('core')) throw new Error('scripts/node-groups.mjs: no core group')
  rmSync(GROUPS_DIR, { recursive: true, force: true })
  mkdirSync(GROUPS_DIR, { recursive: true })
  for (const [name, text] of Object.entries(sources)) writeFileSync(join(GROUPS_DIR, `${name}.ts`), text)
  writeFileSync(join(GROUPS_DIR, 'manifest.json'), `${JSON.stringify({ groups, entries, exported }, null, 1)}\n`)
  console.log(`node groups: ${groups.join(', ')} (.cache/node-groups)`)
}
