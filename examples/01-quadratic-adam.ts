// Compose an optimizer from transforms and run it: minimise f(x) = Σ (x − 3)² with clipped Adam.
import assert from 'node:assert/strict'
import { adam, applyUpdates, chain, clipByGlobalNorm, tensor, tree } from '../src/index'

const target = tensor([3, -1, 2])
const loss = (x: typeof target) => tree.sum(tree.mapElementwise((xi, ti) => (xi - ti) ** 2, x, target))
const grad = (x: typeof target) => tree.mapElementwise((xi, ti) => 2 * (xi - ti), x, target) // ∇f = 2(x − t)

const optimizer = chain(clipByGlobalNorm(1), adam(0.1))
let params = tensor([0, 0, 0])
let state = optimizer.init(params)
for (let step = 1; step <= 300; step++) {
  const [updates, nextState] = optimizer.update(grad(params), state, params)
  params = applyUpdates(params, updates)
  state = nextState
  if (step % 50 === 0) console.log(`step ${step}: loss ${loss(params).toExponential(3)}`)
}
assert.ok(loss(params) < 1e-4, `loss ${loss(params)} should be below 1e-4`)
console.log('params:', params.toArray())
