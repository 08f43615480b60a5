// How the MLP trainStep(adamw) (pure) speeds up over its first thousands of steps while V8 tiers the library's
// functions up: the median step time over successive step ranges (same model and data as bench/profile-mlp.ts).
// The bench warms every implementation for a few seconds before timing (bench/lib.ts warmUp) because of this curve.
//   npx tsx bench/warm-up.ts [784,256,10] [128] [steps]
import * as L from '../src/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { randomF32 } from './lib'

const [sizes, batchArg, stepsArg] = process.argv.slice(2)
const [din, dh, dout] = (sizes ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(batchArg ?? 128)
const steps = Number(stepsArg ?? 2000)
await whenThreadsReady()
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
const step = L.trainStep(loss, tx)
let state = L.initTrainState(params, tx)
const times: number[] = []
const t00 = performance.now()
for (let i = 0; i < steps; i++) {
  const t0 = performance.now()
  state = step(state, data)[0]
  times.push(performance.now() - t0)
}
const elapsed = performance.now() - t00
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
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
