// Profile of the public AdamW step (for docs/performance.md):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-adam.ts 1000000
import { adamw, applyUpdates, tensor } from '../src/index'
import { randomF32 } from './lib'

const n = Number(process.argv[2] ?? 1e6)
const tx = adamw(1e-3)
let params = { w: tensor(randomF32(n, 2), [n]) }
const grads = { w: tensor(randomF32(n, 1, 0.1), [n]) }
let state = tx.init(params)
const steps = Math.max(20, Math.round(2e8 / n))
const t0 = performance.now()
for (let i = 0; i < steps; i++) {
  const [u, s] = tx.update(grads, state, params)
  params = applyUpdates(params, u)
  state = s
}
console.log(`${steps} steps, ${((performance.now() - t0) / steps).toFixed(2)} ms/step`)
