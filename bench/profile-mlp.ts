// The MLP trainStep(adamw) (pure) alone, for a CPU profile (same data, model and head as bench/ab-mlp.ts):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-mlp.ts [784,256,10] [128] [steps]
// DONATE=1 profiles trainStep(adamw, { donate: true }) instead.
import * as L from '../src/index'
import { mlpProblem } from './mlpProblem'

const [sizes, batchArg, stepsArg] = process.argv.slice(2)
const [din, dh, dout] = (sizes ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(batchArg ?? 128)
const steps = Number(stepsArg ?? 400)
const { params, data, loss } = mlpProblem(din, dh, dout, batch)
const tx = L.adamw(1e-3)
const step = L.trainStep(loss, tx, { donate: process.env.DONATE === '1' })
let state = L.initTrainState(params(), tx)
const times: number[] = []
for (let i = 0; i < steps; i++) {
  const t0 = performance.now()
  state = step(state, data)[0]
  times.push(performance.now() - t0)
}
times.sort((a, b) => a - b)
console.log(`${steps} steps: median ${times[steps >> 1]!.toFixed(3)} ms, min ${times[0]!.toFixed(3)} ms`)
