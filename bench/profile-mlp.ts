// The MLP trainStep(adamw) (pure) alone, for a CPU profile (same data, model and head as bench/ab-mlp.ts):
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-mlp.ts [784,256,10] [128] [steps]
// DONATE=1 profiles trainStep(adamw, { donate: true }) instead.
import * as L from '../src/index'
import { randomF32 } from './lib'

const [sizes, batchArg, stepsArg] = process.argv.slice(2)
const [din, dh, dout] = (sizes ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(batchArg ?? 128)
const steps = Number(stepsArg ?? 400)
const o = L.ops
const params = {
  w1: L.tensor(randomF32(din * dh, 1, Math.sqrt(2 / din)), [din, dh]),
  b1: L.tensor(new Float32Array(dh), [dh]),
  w2: L.tensor(randomF32(dh * dout, 2, Math.sqrt(2 / dh)), [dh, dout]),
  b2: L.tensor(new Float32Array(dout), [dout]),
}
const onehot = new Float32Array(batch * dout)
for (let i = 0; i < batch; i++) onehot[i * dout + ((i * 7) % dout)] = 1
const data = { x: L.tensor(randomF32(batch * din, 3), [batch, din]), y: L.tensor(onehot, [batch, dout]) }
type P = typeof params
const loss = (p: P, b: typeof data) => {
  const h = o.relu(o.linear(b.x, p.w1, p.b1))
  return o.neg(o.mean(o.sum(o.mul(o.logSoftmax(o.linear(h, p.w2, p.b2), -1), b.y), { axis: 1 })))
}
const tx = L.adamw(1e-3)
const step = L.trainStep(loss, tx, { donate: process.env.DONATE === '1' })
let state = L.initTrainState(params, tx)
const times: number[] = []
for (let i = 0; i < steps; i++) {
  const t0 = performance.now()
  state = step(state, data)[0]
  times.push(performance.now() - t0)
}
times.sort((a, b) => a - b)
console.log(`${steps} steps: median ${times[steps >> 1]!.toFixed(3)} ms, min ${times[0]!.toFixed(3)} ms`)
