// A/B in one process, interleaved: the donated Adam step over state in wasm memory (adamwInArena) on one thread
// against two (the worker over the arena's shared memory), over leaf sizes, to place ELEMENTWISE_SPLIT_MIN
// (src/kernels/wasm/shared.ts) and to report the speedup with the load. Both arenas are shared memories; the split is
// forced (threads: 2) at every size, even under the threshold, so that the crossover shows.
//   npx tsx bench/ab-threads-adam.ts [n,...] [reps]
import { loadavg } from 'node:os'
import { type AdamwArena, adamwInArena, newAdamwArena } from '../src/kernels/fused/adamwArena'
import { ELEMENTWISE_SPLIT_MIN, whenThreadsReady } from '../src/kernels/wasm/shared'
import { scalars as adamwScalars } from '../test/_helpers/adamwInputs'
import { median, randomF32 } from './lib'

const sizes = (process.argv[2] ?? '8192,16384,32768,65536,131072,262144,1000000,10000000').split(',').map(Number)
const reps = Number(process.argv[3] ?? 41)
if (!(await whenThreadsReady())) throw new Error('ab-threads-adam: the worker did not start (one thread here)')
const c = adamwScalars(1, { wd: 1e-4 })
/** An arena with a leaf of n elements, shared (a second leaf over the threshold makes it so) and bound by the worker. */
async function arena(n: number): Promise<AdamwArena> {
  const a = newAdamwArena([n, n < ELEMENTWISE_SPLIT_MIN ? ELEMENTWISE_SPLIT_MIN : 0])!
  if (a.arena.split === null) throw new Error('ab-threads-adam: no shared arena here')
  for (let i = 0; i < 2000 && a.arena.split.threads() !== 2; i++) await new Promise((r) => setTimeout(r, 5))
  return a
}
console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
console.log('| n | 1 thread ms | 2 threads ms | speedup (1 ÷ 2) | min 1 ÷ min 2 |')
console.log('|---|---|---|---|---|')
for (const n of sizes) {
  const [a1, a2] = [await arena(n), await arena(n)]
  const g = randomF32(n, 1, 0.1)
  a1.leaves[0]!.p.set(randomF32(n, 2))
  a2.leaves[0]!.p.set(randomF32(n, 2))
  // applyGradients's call: u not stored.
  const one = () => adamwInArena(a1, 0, g, c, false, 1)
  const two = () => adamwInArena(a2, 0, g, c, false, 2)
  // About 1 s of work per size, at least `reps` pairs.
  const count = Math.max(reps, Math.min(4000, Math.round(1e9 / (n * 30))))
  for (let i = 0; i < 3; i++) (one(), two())
  const t1: number[] = []
  const t2: number[] = []
  for (let r = 0; r < count; r++) {
    const first = r % 2 === 0
    for (const f of first ? [one, two] : [two, one]) {
      const t0 = performance.now()
      f()
      ;(f === one ? t1 : t2).push(performance.now() - t0)
    }
  }
  const [m1, m2] = [median(t1), median(t2)]
  console.log(
    `| ${n} | ${m1.toFixed(3)} | ${m2.toFixed(3)} | ${(m1 / m2).toFixed(2)}× | ${(Math.min(...t1) / Math.min(...t2)).toFixed(2)}× |`,
  )
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
