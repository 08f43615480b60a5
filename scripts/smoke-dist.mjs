// Loads the built package the way users do — ESM `import` and CJS `require` of package.json's exports (Node's
// layout, dist/node) and the per-module ESM files bundlers get (dist/*.js, run here as Node runs them) — and runs a
// few steps through each, so that a packaging mistake (an unresolvable dependency import, a missing export) fails
// `npm test` instead of reaching users. Run after `npm run build`.
import assert from 'node:assert/strict'
import { readFileSync as readText } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const esm = await import('descent-ts')
const cjs = require('descent-ts')
const perModule = await import('../dist/index.js')

for (const [format, d] of [
  ['esm', esm],
  ['cjs', cjs],
  ['per-module esm', perModule],
]) {
  const params = { w: d.tensor([1, 2]) }
  const tx = d.chain(d.clipByGlobalNorm(1), d.adamw(0.1))
  const [updates] = tx.update({ w: d.tensor([1, 1]) }, tx.init(params), params)
  assert.ok(d.tree.allClose(d.applyUpdates(params, updates), { w: d.tensor([0.9, 1.9]) }, { rtol: 1e-3 }), format)
  assert.deepEqual(
    d
      .grad((x) => d.ops.sum(d.square(x)))(d.tensor([3]))
      .toArray(),
    [6],
    format,
  )
  assert.ok(d.isTensor(d.matmul(d.ones([64, 64]), d.ones([64, 64]))), format)
  assert.ok(d.tree.validateE({ w: 1 })._tag === 'Right', format)
  console.log(`dist (${format}): ok, ${Object.keys(d).length} exports`)
}
assert.deepEqual(
  Object.keys(esm).sort(),
  Object.keys(cjs)
    .filter((k) => k !== 'default')
    .sort(),
)
assert.deepEqual(Object.keys(esm).sort(), Object.keys(perModule).sort())

// The namespace entries (descent-ts/contrib, /tree, ...: package.json "exports" named after a namespace of the main
// entry): the main entry's namespace, name by name and the very same functions, in each layout.
const manifest = JSON.parse(readText(new URL('../package.json', import.meta.url), 'utf8'))
const namespaceEntries = Object.entries(manifest.exports).filter(([k]) => typeof esm[k.slice(2)] === 'object')
assert.ok(namespaceEntries.length >= 6, `namespace entries: ${namespaceEntries.map(([k]) => k)}`)
for (const [key, entry] of namespaceEntries) {
  const name = key.slice(2)
  for (const [format, sub, main] of [
    ['esm', await import(`descent-ts/${name}`), esm],
    ['cjs', require(`descent-ts/${name}`), cjs],
    ['per-module esm', await import(new URL(`../${entry.import.default.slice(2)}`, import.meta.url).href), perModule],
  ]) {
    const keys = Object.keys(sub).filter((k) => k !== 'default')
    assert.deepEqual(keys.sort(), Object.keys(main[name]).sort(), `${format} descent-ts/${name}`)
    for (const k of keys) assert.equal(sub[k], main[name][k], `${format} descent-ts/${name}: ${k}`)
  }
}
console.log(
  `dist: ${namespaceEntries.map(([k]) => `descent-ts/${k.slice(2)}`).join(', ')} are the main entry's namespaces (esm, cjs, per-module esm)`,
)

// descent-ts/testing: its own entry (it alone loads fast-check), loadable with import and require.
const testingEsm = await import('descent-ts/testing')
const testingCjs = require('descent-ts/testing')
for (const [format, t] of [
  ['esm', testingEsm],
  ['cjs', testingCjs],
]) {
  const r = t.verifyTheorem(t.theorems.gdSmoothConvexTight, ({ L, h }) => esm.sgd(h / L), { numRuns: 10, seed: 1 })
  assert.equal(r._tag, 'Right', format)
  assert.equal(t.verifyTheorem(t.theorems.gdSmoothConvexTight, ({ L }) => esm.sgd(0.5 / L), { seed: 1 })._tag, 'Left')
  console.log(`dist testing (${format}): ok, ${Object.keys(t).length} exports`)
}
// What each entry loads, following the per-module output's relative imports: the main entry never loads fast-check
// (only descent-ts/testing does) nor gpu.js (only descent-ts/gpu does).
const { readFileSync } = await import('node:fs')
const { dirname, join, relative } = await import('node:path')
const dist = new URL('../dist/', import.meta.url).pathname
const packagesLoaded = (entry) => {
  const seen = new Set()
  const packages = new Set()
  const visit = (file) => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const [, spec] of text.matchAll(
      /(?:^import [^'"]*?from\s*|^export [^'"]*?from\s*|require\()\s*["']([^"']+)["']/gm,
    )) {
      if (spec.startsWith('.')) visit(join(dirname(file), spec))
      else if (!spec.startsWith('node:'))
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        )
    }
  }
  visit(join(dist, entry))
  return { packages: [...packages].sort(), modules: seen.size }
}
for (const [layout, dir, ext] of [
  ['per-module ESM (bundlers)', '', 'js'],
  ['Node ESM', 'node/', 'js'],
  ['Node CJS', 'node/', 'cjs'],
]) {
  const main = packagesLoaded(`${dir}index.${ext}`)
  assert.deepEqual(main.packages, ['pure-rand'], `dist/${dir}index.${ext} loads ${main.packages}`)
  if (dir === '') assert.ok(main.modules > 100, `the scan follows the per-module imports (${main.modules} modules)`)
  assert.ok(packagesLoaded(`${dir}testing/index.${ext}`).packages.includes('fast-check'), layout)
  // (In Node's layout descent-ts/gpu shares the main entry's core chunk, with its require of pure-rand on first use.)
  const gpuPackages = packagesLoaded(`${dir}gpu/index.${ext}`).packages.filter((p) => p !== 'pure-rand')
  assert.deepEqual(gpuPackages, ['gpu.js'], layout)
  console.log(`dist, ${layout}: the main entry loads ${main.modules} files and no package but pure-rand`)
}

// descent-ts/gpu installs its kernels in the dispatcher the main entry's setBackend controls (one module, shared).
for (const [format, d, g] of [
  ['esm', esm, await import('descent-ts/gpu')],
  ['cjs', cjs, require('descent-ts/gpu')],
  ['per-module esm', perModule, await import('../dist/gpu/index.js')],
]) {
  assert.throws(() => d.setBackend('gpu'), /import \{ useGpu \} from 'descent-ts\/gpu'/, format)
  assert.deepEqual(g.useGpu(), { _tag: 'Right', right: { backend: 'wasm', renderer: '', software: false } }, format)
  d.setBackend('gpu')
  // [1 2 3]·[[1 2] [3 4] [5 6]] = [22 28] on gpu.js (a vector × matrix product was NaN before)
  assert.deepEqual(
    d
      .matmul(
        d.tensor([[1, 2, 3]]),
        d.tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
      )
      .toArray(),
    [[22, 28]],
    format,
  )
  d.setBackend('auto')
  assert.equal(g.releaseGpu(), true, format)
  console.log(`dist gpu (${format}): useGpu installs gpu.js (wasm) for the main entry's matmul`)
}

// Class names survive the build (keepNames): error.name is what users match on and what stack traces print.
for (const [format, d] of [
  ['esm', esm],
  ['cjs', cjs],
  ['per-module esm', perModule],
]) {
  for (const name of ['DescentError', 'StructureError', 'ShapeError', 'HyperparameterError', 'CheckpointError']) {
    assert.equal(d[name].name, name, `${format}: ${name}.name`)
    assert.equal(new d[name]('m').name, name, `${format}: new ${name}().name`)
  }
  assert.match(new d.DescentError('m').stack, /^DescentError: m/, format)
}
console.log('dist: class names kept (DescentError, not _DescentError)')
// Every exported function and class (namespace members too) has the same name in the three layouts: the per-module
// files drop keepNames' wrappers where JavaScript names the function anyway (scripts/shake-names.ts).
const names = (d) => {
  const out = {}
  for (const [k, v] of Object.entries(d)) {
    if (typeof v === 'function') out[k] = v.name
    else if (v !== null && typeof v === 'object' && !Array.isArray(v))
      for (const [m, w] of Object.entries(v)) if (typeof w === 'function') out[`${k}.${m}`] = w.name
  }
  return out
}
assert.ok(Object.keys(names(esm)).length > 300)
assert.deepEqual(names(perModule), names(esm))
const { default: _, ...cjsNamed } = cjs
assert.deepEqual(names(cjsNamed), names(esm))
console.log(`dist: ${Object.keys(names(esm)).length} function and class names the same in the three layouts`)

// Node's layout loads on import only the core group (scripts/node-groups.mjs): what a fresh process has loaded after
// `import('descent-ts')` or `require('descent-ts')` is dist/node's entry, load.cjs, groups/core.cjs and its chunk
// (issue 12: importing the whole library cost ~30 ms CPU). Each other group loads on the first call of one of its
// functions; through `import` that function is a stand-in with the name, length and properties of the real one.
{
  const { execFileSync } = await import('node:child_process')
  const { statSync } = await import('node:fs')
  const run = (code, type) =>
    JSON.parse(
      execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
        cwd: new URL('..', import.meta.url),
        encoding: 'utf8',
      }),
    )
  const loadedBy = (code, type) =>
    run(code, type)
      .filter((f) => f.includes('/dist/node/'))
      .map((f) => f.slice(f.indexOf('/dist/node/') + '/dist/node/'.length))
      .sort()
  const cache = 'JSON.stringify(Object.keys(require.cache))'
  const viaImport = loadedBy(
    `import { createRequire } from 'node:module'\nconst require = createRequire(import.meta.url)\n` +
      `await import('descent-ts')\nconsole.log(${cache})`,
    'module',
  )
  const viaRequire = loadedBy(`require('descent-ts')\nconsole.log(${cache})`, 'commonjs')
  // Nor does importing compile WebAssembly (the kernels are compiled from their base64 on first use).
  const countWasm =
    `let n = 0\nfor (const k of ['Module', 'Instance']) { const C = WebAssembly[k]; WebAssembly[k] = class extends C ` +
    `{ constructor(...a) { n++; super(...a) } } }\nfor (const k of ['compile', 'instantiate', 'validate']) { ` +
    `const f = WebAssembly[k]; WebAssembly[k] = (...a) => { n++; return f(...a) } }\nconst d = await import('descent-ts')\n`
  assert.equal(run(`${countWasm}console.log(n)`, 'module'), 0, 'no WebAssembly compiled on import')
  // (the count sees a compilation: a matmul large enough for the SIMD kernel compiles it)
  assert.ok(run(`${countWasm}d.matmul(d.ones([64, 64]), d.ones([64, 64]))\nconsole.log(n)`, 'module') > 0)
  for (const [how, files] of [
    ['import', viaImport],
    ['require', viaRequire],
  ]) {
    assert.deepEqual(
      files.filter((f) => f.startsWith('groups/')),
      ['groups/core.cjs'],
      `${how}('descent-ts') loads only the core group: ${files}`,
    )
    assert.ok(files.length <= 4, `${how}('descent-ts') loads ${files}`)
    // ~88 KB on 2026-12-03 (the whole library: ~580 KB): a class or constant that drags a module of another group
    // into core shows here.
    const bytes = files.reduce((sum, f) => sum + statSync(new URL(`../dist/node/${f}`, import.meta.url)).size, 0)
    assert.ok(bytes <= 130_000, `${how}('descent-ts') compiles ${bytes} bytes of dist/node: ${files}`)
  }
  assert.deepEqual(
    loadedBy(`const d = require('descent-ts')\nd.adam(0.1)\nconsole.log(${cache})`, 'commonjs').filter((f) =>
      f.startsWith('groups/'),
    ),
    ['groups/common.cjs', 'groups/core.cjs'],
    'adam loads its group',
  )
  const hyperparams = Symbol.for('descent.hyperparamDefaults')
  for (const [name, f] of Object.entries(esm)) {
    if (typeof f !== 'function') continue
    assert.equal(f.length, cjs[name].length, `${name}.length`)
    assert.deepEqual(f[hyperparams], cjs[name][hyperparams], `${name}'s hyperparameter defaults`)
  }
  const injected = esm.injectHyperparams(esm.adam)({ learningRate: 0.5 })
  assert.equal(injected.init({ w: esm.tensor([1]) }).hyperparams.learningRate, 0.5, 'injectHyperparams of a stand-in')
  console.log(
    `dist: import and require of descent-ts load ${viaImport.join(', ')}; the other groups, and the WebAssembly kernels, on first use`,
  )
}

// Two threads from the built files: the worker's program is inline (no file to find from dist/), its Worker comes
// from process.getBuiltinModule, and it is unref'ed: this script exiting at all shows it keeps no process alive.
{
  const shared = await import('../dist/kernels/wasm/shared.js')
  const { matmulWasm } = await import('../dist/kernels/wasm/index.js')
  assert.equal(await shared.whenThreadsReady(), true, 'the worker starts from dist/')
  const n = 256
  const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 500 - 1)
  const before = shared.sharedKernels().splits()
  const two = matmulWasm(a, a, n, n, n, { relu: true, threads: 2 })
  // One job: a product under ONE_JOB_MAX_MACS is packed by this thread as its parts are posted (src/kernels/wasm/matmul.ts).
  assert.equal(shared.sharedKernels().splits(), before + 1, 'the product was split')
  assert.deepEqual(two, matmulWasm(a, a, n, n, n, { relu: true, threads: 1 }), 'two threads = one thread')
  for (const [format, d] of [
    ['esm', esm],
    ['cjs', cjs],
  ]) {
    const ones = d.ones([256, 256])
    d.matmul(ones, ones) // starts this bundle's worker
    await new Promise((r) => setTimeout(r, 500))
    assert.ok(
      d
        .matmul(ones, ones)
        .toArray()
        .flat()
        .every((x) => x === 256),
      format,
    )
  }
  console.log('dist: matmul on two threads (worker from an inline program), identical to one thread')
}
