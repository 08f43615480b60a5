// The spread of a pure training step's time and the page faults behind its slow steps (issue 13, round 5).
//   npx tsx bench/step-spread.ts [in,hidden,out] [batch] [steps]
//   DESCENT_MALLOC_PRIME=0 npx tsx bench/step-spread.ts      # without glibc primed (src/kernels/primeMalloc.ts)
//   GAP_MS=20 npx tsx bench/step-spread.ts                   # each step after a 20 ms sleep (a loop that waits for
//                                                            # data or an animation frame); try with DESCENT_THREADS=1
// A pure step's outputs are fresh memory; when glibc hands the heap top back after a collection, the next steps
// write new pages, one minor fault per 4 KiB (≈ 10 µs under gVisor). Prints percentiles of the step time, the mean,
// the faults per step (this thread and the worker), the share of steps with more than 100 faults, and which steps
// were slow (S: over 1.15× the median) for the first 200.
import { adamw, initTrainState, trainStep } from '../src/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { mlpProblem } from './mlpProblem'

const [din, dh, dout] = (process.argv[2] ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(process.argv[3] ?? 128)
const steps = Number(process.argv[4] ?? 1500)
const faults = () => process.resourceUsage().minorPageFault
const gapMs = Number(process.env['GAP_MS'] ?? 0)
// Between steps: one turn of the event loop, or a sleep of GAP_MS (both cores idle meanwhile).
const turnNow = () => new Promise<void>((resolve) => setImmediate(resolve))
const turn = () => (gapMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, gapMs)) : turnNow())

await whenThreadsReady()
const { params, data, loss } = mlpProblem(din, dh, dout, batch)
const tx = adamw(1e-3)
const step = trainStep(loss, tx)
let state = initTrainState(params(), tx)
// Past V8's tier-up ramp (bench/warm-up.ts) before timing.
for (let i = 0; i < 800; i++) (([state] = step(state, data)), await turnNow())
const ms: number[] = []
const fs: number[] = []
for (let i = 0; i < steps; i++) {
  const [f0, t0] = [faults(), performance.now()]
  ;[state] = step(state, data)
  ms.push(performance.now() - t0)
  fs.push(faults() - f0)
  await turn()
}
const sorted = [...ms].sort((x, y) => x - y)
const quantile = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!
const at = (q: number) => quantile(q).toFixed(2)
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length
console.log(
  `MLP ${din}-${dh}-${dout} b${batch} trainStep pure, ${steps} steps` +
    ` (DESCENT_MALLOC_PRIME=${process.env['DESCENT_MALLOC_PRIME'] ?? 'default'}` +
    `, DESCENT_THREADS=${process.env['DESCENT_THREADS'] ?? 'default'}, GAP_MS=${gapMs}):`,
)
console.log(`  ms: p10 ${at(0.1)}, p50 ${at(0.5)}, p90 ${at(0.9)}, p99 ${at(0.99)}, mean ${mean(ms).toFixed(2)}`)
console.log(
  `  page faults / step: ${mean(fs).toFixed(1)}; steps with > 100: ` +
    `${((100 * fs.filter((f) => f > 100).length) / steps).toFixed(1)} %`,
)
const slow = quantile(0.5) * 1.15
console.log(
  `  slow steps (S) of the first 200: ${ms
    .slice(0, 200)
    .map((t) => (t > slow ? 'S' : '.'))
    .join('')}`,
)
