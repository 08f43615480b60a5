// Profile of one AdamW step over n float32 params (for docs/performance.md):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-adam.ts 1000000 [pure | train | donate]
// pure: adamw update + applyUpdates (the plain API); train: applyGradients(adamw); donate: applyGradients(adamw,
// { donate: true }) (the default).
import { adamw, applyGradients, applyUpdates, initTrainState, tensor } from '../src/index'
import { randomF32 } from './lib'

const n = Number(process.argv[2] ?? 1e6)
const mode = process.argv[3] ?? 'donate'
if (!['pure', 'train', 'donate'].includes(mode)) throw new RangeError(`mode must be pure, train or donate; got ${mode}`)
const tx = adamw(1e-3)
const params0 = { w: tensor(randomF32(n, 2), [n]) }
const grads = { w: tensor(randomF32(n, 1, 0.1), [n]) }
const steps = Math.max(20, Math.round(2e8 / n))
let run: () => void
if (mode === 'pure') {
  let params = params0
  let state = tx.init(params)
  run = () => {
    const [u, s] = tx.update(grads, state, params)
    params = applyUpdates(params, u)
    state = s
  }
} else {
  const step = applyGradients(tx, { donate: mode === 'donate' })
  let state = initTrainState(params0, tx)
  run = () => {
    state = step(state, grads)
  }
}
const t0 = performance.now()
for (let i = 0; i < steps; i++) run()
console.log(`${mode}: ${steps} steps, ${((performance.now() - t0) / steps).toFixed(2)} ms/step`)
