// (d) matmul float32, GFLOP/s for each descent kernel (SIMD wasm on one and on two threads; from 512³ down also the
// TS reference and gpu.js webasm), with TF.js (wasm; cpu up to 512³) and jax-js for reference.
// Usage: tsx bench/workloads/matmul.ts [n | MxKxN] [--quick]. The one- and two-thread descent rows are timed
// interleaved (one call of each in turn), so that a load change on a shared machine hits both alike.
import * as tfWasm from '@tensorflow/tfjs-backend-wasm'
import { useGpu } from '../../src/gpu/index'
import { matmul } from '../../src/kernels/dispatch'
import { matmulWasm } from '../../src/kernels/wasm/index'
import { whenThreadsReady } from '../../src/kernels/wasm/shared'
import { type Row, emit, loadJax, loadTf, quick, randomF32, repetitions, time, warmups } from '../lib'

const arg = process.argv[2] ?? '512'
const [M, K, N] = arg.includes('x') ? arg.split('x').map(Number) : [Number(arg), Number(arg), Number(arg)]
if (!(M! > 0 && K! > 0 && N! > 0)) throw new Error(`matmul.ts: expected n or MxKxN, got ${arg}`)
const [m, k, n] = [M!, K!, N!]
const workload = `matmul-${arg}`
const flops = 2 * m * k * n
const small = m * k * n <= 512 ** 3
const rows: Row[] = []
const add = (impl: string, kind: Row['kind'], t: { median: number; min: number }, reps: number) =>
  rows.push({ workload, impl, kind, medianMs: t.median, minMs: t.min, reps, gflops: flops / t.median / 1e6 })
const a = randomF32(m * k, 1)
const b = randomF32(k * n, 2)
// Repetitions: about a second of work per implementation at full size, at least 5.
const repsFor = (msGuess: number) => Math.max(5, Math.min(41, Math.round((quick ? 200 : 1000) / msGuess)))
const simdReps = repetitions(repsFor(flops / 20e6))

{
  const two = await whenThreadsReady()
  const one = () => matmulWasm(a, b, m, k, n, { threads: 1 })
  const both = () => matmulWasm(a, b, m, k, n)
  for (let i = 0; i < warmups(2); i++) (one(), both())
  const t1: number[] = []
  const t2: number[] = []
  for (let r = 0; r < simdReps; r++) {
    let t0 = performance.now()
    one()
    t1.push(performance.now() - t0)
    t0 = performance.now()
    both()
    t2.push(performance.now() - t0)
  }
  const stats = (ts: number[]) => {
    ts.sort((x, y) => x - y)
    return { median: ts[ts.length >> 1]!, min: ts[0]! }
  }
  add('descent matmul (SIMD wasm, 1 thread)', 'descent', stats(t1), simdReps)
  add(`descent matmul (SIMD wasm, 2 threads${two ? '' : ': unavailable, ran on 1'})`, 'descent', stats(t2), simdReps)
}
if (small) {
  useGpu() // installs gpu.js (its WebAssembly mode in Node) for the kernel: 'gpu' row
  for (const kernel of ['ts', 'gpu'] as const) {
    const reps = repetitions(quick ? 2 : 5)
    add(
      `descent matmul (${kernel === 'gpu' ? 'gpu.js webasm' : 'plain TS'})`,
      'descent',
      await time(() => matmul(a, b, m, k, n, { kernel }), quick ? 1 : 2, reps),
      reps,
    )
  }
}
for (const backend of small ? (['wasm', 'cpu'] as const) : (['wasm'] as const)) {
  const tf = await loadTf(backend)
  const [x, y] = [tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])]
  const reps = backend === 'wasm' ? simdReps : repetitions(quick ? 2 : 5)
  const threads = backend === 'wasm' ? ` (${tfWasm.getThreadsCount()} thread)` : ''
  add(`TF.js ${backend} matMul${threads}`, 'peer', await time(() => tf.matMul(x, y).dispose(), 2, reps), reps)
}
{
  const jax = await loadJax()
  const np = jax.numpy
  const [x, y] = [np.array(a).reshape([m, k]), np.array(b).reshape([k, n])]
  const mm = jax.jit((p: any, q: any) => np.matmul(p, q))
  add(
    'jax-js jit matmul (wasm)',
    'peer',
    await time(
      async () => {
        const c = mm(x.ref, y.ref) as any
        await c.blockUntilReady()
        c.dispose()
      },
      2,
      simdReps,
    ),
    simdReps,
  )
}
emit(rows)
