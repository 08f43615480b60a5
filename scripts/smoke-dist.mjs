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
