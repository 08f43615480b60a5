// A/B in one process, interleaved step by step: the MLP trainStep (pure) of another checkout against this one's,
// with the same data and model (bench/mlpProblem.ts, built with each tree's library) and something between steps
// (issue 13, round 6). The other checkout: see bench/otherCheckout.ts.
// Both trees' kernels load side by side, each with its own worker, which sleeps while the other tree steps.
//   npx tsx bench/ab-tree-mlp.ts /tmp/old [784,256,10] [batch] [steps] [between]
// between: `none` (one event-loop turn), `busy<ms>` (this thread computes, the other core idles: the bench's
// round-robin, where single-threaded peers run between descent's steps) or `sleep<ms>` (both cores idle).
// A tree against itself (an archive of HEAD) shows the noise: 0.99–1.00× here.
import * as here from '../src/index'
import { median } from './lib'
import { mlpProblem } from './mlpProblem'
import { otherCheckout } from './otherCheckout'

const [dir, sizes, batchArg, stepsArg, between = 'none'] = process.argv.slice(2)
if (dir === undefined)
  throw new RangeError('usage: tsx bench/ab-tree-mlp.ts <other checkout> [sizes] [batch] [steps] [between]')
const [din, dh, dout] = (sizes ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(batchArg ?? 128)
const steps = Number(stepsArg ?? 300)
const WARM_UP = 600

type Lib = typeof here
const other = await (await otherCheckout(dir))<Lib>('src/index.ts')

/** The bench's MLP step (bench/mlpProblem.ts) built from library `L`. */
const stepper = (L: Lib): (() => void) => {
  const { params, data, loss } = mlpProblem(din, dh, dout, batch, L)
  const tx = L.adamw(1e-3)
  const step = L.trainStep(loss, tx)
  let state = L.initTrainState(params(), tx)
  return () => {
    state = step(state, data)[0]
  }
}
const impls: [string, () => void][] = [
  ['other', stepper(other)],
  ['this', stepper(here)],
]

const pause = async (): Promise<void> => {
  if (between.startsWith('busy')) {
    const end = performance.now() + Number(between.slice(4))
    let x = 0
    while (performance.now() < end) x = Math.sqrt(x + 1)
  } else if (between.startsWith('sleep')) await new Promise((r) => setTimeout(r, Number(between.slice(5))))
  else await new Promise((r) => setImmediate(r))
}
for (let i = 0; i < WARM_UP; i++) for (const [, step] of impls) step()
const times: Record<string, number[]> = { other: [], this: [] }
for (let r = 0; r < steps; r++) {
  // Which tree steps first alternates, so that neither always follows the other.
  for (const [name, step] of r % 2 === 0 ? impls : [...impls].reverse()) {
    await pause()
    const t0 = performance.now()
    step()
    times[name]!.push(performance.now() - t0)
  }
}
const [a, b] = [median(times['other']!), median(times['this']!)]
console.log(
  `MLP ${din}-${dh}-${dout} b${batch} trainStep pure, between steps: ${between}; medians of ${steps}: ` +
    `other ${a.toFixed(3)} ms, this ${b.toFixed(3)} ms; this ÷ other ${(b / a).toFixed(3)}×`,
)
