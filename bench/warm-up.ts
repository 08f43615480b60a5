// How the MLP trainStep(adamw) (pure) speeds up over its first thousands of steps while V8 tiers the library's
// functions up: the median step time over successive step ranges (same model and data as bench/profile-mlp.ts).
// The bench warms every implementation for a few seconds before timing (bench/lib.ts warmUp) because of this curve.
//   npx tsx bench/warm-up.ts [784,256,10] [128] [steps]
import * as L from '../src/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { mlpProblem } from './mlpProblem'
import { median } from './lib'

const [sizes, batchArg, stepsArg] = process.argv.slice(2)
const [din, dh, dout] = (sizes ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(batchArg ?? 128)
const steps = Number(stepsArg ?? 2000)
await whenThreadsReady()
const { params, data, loss } = mlpProblem(din, dh, dout, batch)
const tx = L.adamw(1e-3)
const step = L.trainStep(loss, tx)
let state = L.initTrainState(params(), tx)
const times: number[] = []
const t00 = performance.now()
for (let i = 0; i < steps; i++) {
  const t0 = performance.now()
  state = step(state, data)[0]
  times.push(performance.now() - t0)
}
const elapsed = performance.now() - t00
const edges = [0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000].filter((e) => e < steps).concat(steps)
let spent = 0
for (let k = 0; k + 1 < edges.length; k++) {
  const range = times.slice(edges[k], edges[k + 1])
  spent += range.reduce((a, b) => a + b, 0)
  console.log(
    `steps ${edges[k]}–${edges[k + 1]}: median ${median(range).toFixed(3)} ms (${(spent / 1000).toFixed(2)} s in all)`,
  )
}
console.log(`${din},${dh},${dout} b${batch}: ${steps} steps in ${(elapsed / 1000).toFixed(2)} s`)
