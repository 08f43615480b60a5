// A/B in one process, interleaved: the SIMD matmul on one thread against two (the worker over shared memory), for a
// list of shapes, to place SPLIT_MIN_MACS (src/kernels/wasm/shared.ts) and to report the speedup with the load. Two
// threads are forced (threads: 2: split at every size, no back-off) so that the crossover shows; --default times the
// library's own choice instead (one thread under SPLIT_MIN_MACS, back-off after a late worker).
//   npx tsx bench/ab-threads.ts [MxKxN,...] [reps] [--default]
import { loadavg } from 'node:os'
import { matmulWasm } from '../src/kernels/wasm/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { median, randomF32 } from './lib'

const [shapesArg, repsArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const library = process.argv.includes('--default')
const shapes = (shapesArg ?? '64x64x64,96x96x96,128x128x128,160x160x160,256x256x256,128x784x256,1024x1024x1024')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number, number])
const reps = Number(repsArg ?? 41)
if (!(await whenThreadsReady())) throw new Error('ab-threads: the worker did not start (one thread here)')
console.log(
  `load average before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
console.log('| M×K×N | MACs | 1 thread ms | 2 threads ms | speedup (1 ÷ 2) | min 1 ÷ min 2 |')
console.log('|---|---|---|---|---|---|')
for (const [M, K, N] of shapes) {
  const a = randomF32(M * K, 1)
  const b = randomF32(K * N, 2)
  const one = () => matmulWasm(a, b, M, K, N, { threads: 1 })
  const two = () => matmulWasm(a, b, M, K, N, library ? {} : { threads: 2 })
  // About 2 s of work per shape at 20 GFLOP/s, at least `reps` pairs for the small ones.
  const n = Math.max(7, Math.min(reps * 20, Math.round(2e9 / ((2 * M * K * N * 2) / 20))))
  for (let i = 0; i < 3; i++) (one(), two())
  const t1: number[] = []
  const t2: number[] = []
  for (let r = 0; r < n; r++) {
    let t0 = performance.now()
    one()
    t1.push(performance.now() - t0)
    t0 = performance.now()
    two()
    t2.push(performance.now() - t0)
  }
  const [m1, m2] = [median(t1), median(t2)]
  const [n1, n2] = [Math.min(...t1), Math.min(...t2)]
  console.log(
    `| ${M}×${K}×${N} | ${(M * K * N).toExponential(1)} | ${m1.toFixed(3)} | ${m2.toFixed(3)} | ${(m1 / m2).toFixed(2)}× | ${(n1 / n2).toFixed(2)}× |`,
  )
}
console.log(
  `load average after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
