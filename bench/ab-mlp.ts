// The MLP trainStep(adamw) (pure) before and after issue 13's fused MLP ops, interleaved step by step in one process
// (alternating which goes first): an older checkout of src/ with the composed loss (add(matmul) + relu) against this
// one with linear + relu. Same data, model and logSoftmax cross-entropy head as bench/workloads/mlp.ts.
//   git archive 81dbe3b src | (mkdir -p /tmp/old-mlp && tar -x -C /tmp/old-mlp) && ln -sfn "$PWD/node_modules" /tmp/old-mlp/
//   npx tsx bench/ab-mlp.ts /tmp/old-mlp [784,256,10] [128] [steps] [linear] [donate]
// With `linear` the old checkout runs the same loss (linear + relu: a checkout that has them), so only the library's
// internals differ (what docs/performance.md's later MLP A/Bs use). With `donate` both run trainStep({ donate: true }).
import { resolve } from 'node:path'
import * as current from '../src/index'
import { mlpArrays } from './mlpProblem'
import { median } from './lib'

const [dir, sizes, batchArg, stepsArg, oldLoss, mode] = process.argv.slice(2)
const donate = mode === 'donate'
const [din, dh, dout] = (sizes ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(batchArg ?? 128)
const steps = Number(stepsArg ?? 100)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const old: any = await import(resolve(dir ?? '/tmp/old-mlp', 'src/index.ts'))

const { w1, w2, xs, onehot } = mlpArrays(din, dh, dout, batch)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const stepper = (L: any, fused: boolean): (() => void) => {
  const o = L.ops
  const params = {
    w1: L.tensor(w1.slice(), [din, dh]),
    b1: L.tensor(new Float32Array(dh), [dh]),
    w2: L.tensor(w2.slice(), [dh, dout]),
    b2: L.tensor(new Float32Array(dout), [dout]),
  }
  const data = { x: L.tensor(xs, [batch, din]), y: L.tensor(onehot, [batch, dout]) }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const loss = (p: any, b: any) => {
    const h = fused ? o.relu(o.linear(b.x, p.w1, p.b1)) : o.relu(o.add(o.matmul(b.x, p.w1), p.b1))
    const logits = fused ? o.linear(h, p.w2, p.b2) : o.add(o.matmul(h, p.w2), p.b2)
    return o.neg(o.mean(o.sum(o.mul(o.logSoftmax(logits, -1), b.y), { axis: 1 })))
  }
  const tx = L.adamw(1e-3)
  const step = L.trainStep(loss, tx, { donate })
  let state = L.initTrainState(params, tx)
  return () => {
    state = step(state, data)[0]
  }
}

const runs = [stepper(old, oldLoss === 'linear'), stepper(current, true)]
for (let i = 0; i < 20; i++) runs.forEach((f) => f())
const times: number[][] = [[], []]
for (let i = 0; i < steps; i++) {
  for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
    const t0 = performance.now()
    runs[k]!()
    times[k]!.push(performance.now() - t0)
  }
}
const [o, n] = times.map(median) as [number, number]
console.log(
  `mlp-${din}-${dh}-${dout}-b${batch} trainStep ${donate ? 'donated' : 'pure'}, ${steps} steps each: old ${o.toFixed(3)} ms, new ${n.toFixed(3)} ms ` +
    `(min ${Math.min(...times[0]!).toFixed(3)} / ${Math.min(...times[1]!).toFixed(3)}), new ÷ old ${(n / o).toFixed(2)}`,
)
