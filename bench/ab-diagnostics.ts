// What trainStep's checks cost (issue 9: ≤ 10 % of a trainStep when on): A/B in one process, interleaved step by
// step, on the 784-256-10 MLP with batch 128 (the mlp workload's model, loss and data), trainStep(adamw, donated)
// with diagnostics on (the default) and off. Each round times `reps` steps of each, alternating which goes first; the
// result is the median of the per-round ratios on ÷ off (a shared machine drifts between rounds, not within a pair).
//   npx tsx bench/ab-diagnostics.ts [rounds] [reps]
import { type PyTree, type Tensor, adamw, initTrainState, ops, tensor, trainStep, valueAndGrad } from '../src/index'
import { gradStats } from '../src/train/gradStats'
import { stepChecks } from '../src/train/stepChecks'
import { mlpArrays } from './mlpProblem'
import { median } from './lib'

const [roundsArg, repsArg] = process.argv.slice(2)
const rounds = Number(roundsArg ?? 7)
const reps = Number(repsArg ?? 15)
const [din, dh, dout, batch] = [784, 256, 10, 128]

const { w1, w2, xs, onehot } = mlpArrays(din, dh, dout, batch)
type P = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }
type B = { x: Tensor; y: Tensor }
const data: B = { x: tensor(xs, [batch, din]), y: tensor(onehot, [batch, dout]) }
const loss = (p: P, b: B) => {
  const h = ops.relu(ops.add(ops.matmul(b.x, p.w1), p.b1))
  const logits = ops.add(ops.matmul(h, p.w2), p.b2)
  return ops.neg(ops.mean(ops.sum(ops.mul(ops.logSoftmax(logits, -1), b.y), { axis: 1 })))
}

const stepper = (diagnostics: boolean) => {
  const tx = adamw(1e-3)
  const step = trainStep(loss, tx, { donate: true, diagnostics })
  let state = initTrainState(
    {
      w1: tensor(w1.slice(), [din, dh]),
      b1: tensor(new Float32Array(dh), [dh]),
      w2: tensor(w2.slice(), [dh, dout]),
      b2: tensor(new Float32Array(dout), [dout]),
    },
    tx,
  )
  return () => {
    state = step(state, data)[0]
  }
}
const on = stepper(true)
const off = stepper(false)
for (let i = 0; i < 5; i++) (on(), off())

const ratios: number[] = []
const onAll: number[] = []
const offAll: number[] = []
for (let r = 0; r < rounds; r++) {
  const tOn: number[] = []
  const tOff: number[] = []
  for (let i = 0; i < reps; i++) {
    for (const [f, ts] of (i + r) % 2 === 0
      ? ([
          [on, tOn],
          [off, tOff],
        ] as const)
      : ([
          [off, tOff],
          [on, tOn],
        ] as const)) {
      const t0 = performance.now()
      f()
      ts.push(performance.now() - t0)
    }
  }
  ratios.push(median(tOn) / median(tOff))
  onAll.push(...tOn)
  offAll.push(...tOff)
  console.log(
    `round ${r}: on ${median(tOn).toFixed(2)} ms, off ${median(tOff).toFixed(2)} ms, on ÷ off ${ratios.at(-1)!.toFixed(3)}`,
  )
}
console.log(
  `mlp-784-256-10-b128 trainStep(adamw, { donate: true }): diagnostics on ${median(onAll).toFixed(2)} ms, ` +
    `off ${median(offAll).toFixed(2)} ms (medians of ${rounds}×${reps} steps); on ÷ off: median of rounds ` +
    `${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`,
)

// The checks' own work, timed alone on this model's gradient (what diagnostics: true adds to a step): the dead-unit
// scan of gradStats and stepChecks. The trace-time checks (detached loss, unused params, suspicious broadcasts) are a
// few shape comparisons per op and run either way.
const grads = valueAndGrad((p: P) => loss(p, data))({
  w1: tensor(w1, [din, dh]),
  b1: tensor(new Float32Array(dh), [dh]),
  w2: tensor(w2, [dh, dout]),
  b2: tensor(new Float32Array(dout), [dout]),
})[1] as PyTree
const timeIt = (f: () => unknown, n: number) => {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) f()
  return (performance.now() - t0) / n
}
const plain = () => gradStats(grads)
const withScan = () => gradStats(grads, { deadUnits: true, skip: [] })
for (let i = 0; i < 50; i++) (plain(), withScan())
// Alternating blocks, so that the load of a shared machine falls on both alike.
const tPlain: number[] = []
const tScan: number[] = []
for (let b = 0; b < 15; b++) {
  tPlain.push(timeIt(plain, 200))
  tScan.push(timeIt(withScan, 200))
}
const norm = gradStats(grads).norm
const checks = timeIt(() => stepChecks(1, 2.3, grads, norm), 2000)
console.log(
  `the checks alone (medians of 15 alternating blocks of 200 calls): gradStats ${median(tPlain).toFixed(3)} ms ` +
    `(run either way: gradNorm and layerGradRms are in every StepInfo), with the dead-unit scan ` +
    `${median(tScan).toFixed(3)} ms; stepChecks ${checks.toFixed(4)} ms`,
)
