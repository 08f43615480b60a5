// Loads the built package the way users do — ESM `import` and CJS `require` of package.json's exports — and runs a
// few steps through each, so that a packaging mistake (an unresolvable dependency import, a missing export) fails
// `npm test` instead of reaching users. Run after `npm run build`.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const esm = await import('descent')
const cjs = require('descent')

for (const [format, d] of [
  ['esm', esm],
  ['cjs', cjs],
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

// descent/testing: its own entry (it alone loads fast-check), loadable with import and require.
const testingEsm = await import('descent/testing')
const testingCjs = require('descent/testing')
for (const [format, t] of [
  ['esm', testingEsm],
  ['cjs', testingCjs],
]) {
  const r = t.verifyTheorem(t.theorems.gdSmoothConvexTight, ({ L, h }) => esm.sgd(h / L), { numRuns: 10, seed: 1 })
  assert.equal(r._tag, 'Right', format)
  assert.equal(t.verifyTheorem(t.theorems.gdSmoothConvexTight, ({ L }) => esm.sgd(0.5 / L), { seed: 1 })._tag, 'Left')
  console.log(`dist testing (${format}): ok, ${Object.keys(t).length} exports`)
}
// The main entry must not load fast-check (only descent/testing does).
const { readFileSync, readdirSync } = await import('node:fs')
const dist = new URL('../dist/', import.meta.url)
const mainFiles = ['index.js', 'index.cjs']
const seen = new Set()
const loads = (file) => {
  if (seen.has(file)) return []
  seen.add(file)
  const text = readFileSync(new URL(file, dist), 'utf8')
  const deps = [...text.matchAll(/(?:from\s*|import\s*\(|require\()\s*['"](\.\/[^'"]+|fast-check[^'"]*)['"]/g)].map(
    (m) => m[1],
  )
  return deps.flatMap((d) => (d.startsWith('fast-check') ? [d] : loads(d.replace(/^\.\//, ''))))
}
for (const f of mainFiles) assert.deepEqual(loads(f), [], `dist/${f} must not load fast-check`)
assert.ok(readdirSync(new URL('testing/', dist)).includes('index.js'))
