// (d) matmul float32, GFLOP/s for each descent kernel (SIMD wasm on one and on two threads; from 512³ down also the
// TS reference and gpu.js webasm), with TF.js (wasm; cpu up to 512³) and jax-js for reference.
// Usage: tsx bench/workloads/matmul.ts [n | MxKxN] [--quick]. descent's SIMD rows, TF.js wasm and jax-js are timed
// round-robin (one call of each in turn: lib.ts runWorkload), so that a load change on a shared machine hits them
// alike; the slow rows (plain TS, gpu.js, TF.js cpu) run on their own after them.
import * as tfWasm from '@tensorflow/tfjs-backend-wasm'
import { useGpu } from '../../src/gpu/index'
import { matmul } from '../../src/kernels/dispatch'
import { matmulWasm } from '../../src/kernels/wasm/index'
import { whenThreadsReady } from '../../src/kernels/wasm/shared'
import { type Impl, loadJax, loadTf, quick, randomF32, runWorkload } from '../lib'

const arg = process.argv[2] ?? '512'
const [M, K, N] = arg.includes('x') ? arg.split('x').map(Number) : [Number(arg), Number(arg), Number(arg)]
if (!(M! > 0 && K! > 0 && N! > 0)) throw new Error(`matmul.ts: expected n or MxKxN, got ${arg}`)
const [m, k, n] = [M!, K!, N!]
const workload = `matmul-${arg}`
const flops = 2 * m * k * n
const small = m * k * n <= 512 ** 3
const a = randomF32(m * k, 1)
const b = randomF32(k * n, 2)
// Repetitions: about a second of work per implementation at full size (at ~50 GFLOP/s, one thread's rate), at least 5.
const reps = Math.max(5, Math.min(41, Math.round((quick ? 200 : 1000) / (flops / 50e6))))
// Warm-up: at least a second of each implementation's own calls (a tenth with --quick), as the other workloads. A
// fresh result from 1 MiB faults its pages in until the allocator holds freed results to reuse; two warm-up calls
// timed that start-up ramp (docs/performance.md, round 9).
const warmMs = 1000
const slowReps = quick ? 2 : 5
const impls: Impl[] = []

const simd = (threads: 1 | undefined) => async () => {
  await whenThreadsReady()
  return () => matmulWasm(a, b, m, k, n, { threads })
}
impls.push({ impl: 'descent matmul (SIMD wasm, 1 thread)', kind: 'descent', make: simd(1) })
impls.push({
  impl: 'descent matmul (SIMD wasm, 2 threads)',
  kind: 'descent',
  make: simd(undefined),
  note: 'two threads over shared memory where the worker is up (else one)',
})
const tfStep = (backend: 'wasm' | 'cpu') => async () => {
  const tf = await loadTf(backend)
  const [x, y] = [tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])]
  return () => tf.matMul(x, y).dispose()
}
impls.push({
  impl: 'TF.js wasm matMul (1 thread)',
  kind: 'peer',
  make: async () => {
    const step = await tfStep('wasm')()
    if (tfWasm.getThreadsCount() !== 1) throw new Error(`TF.js wasm runs ${tfWasm.getThreadsCount()} threads here`)
    return step
  },
})
impls.push({
  impl: 'jax-js jit matmul (wasm)',
  kind: 'peer',
  make: async () => {
    const jax = await loadJax()
    const np = jax.numpy
    const [x, y] = [np.array(a).reshape([m, k]), np.array(b).reshape([k, n])]
    const mm = jax.jit((p: any, q: any) => np.matmul(p, q))
    return async () => {
      const c = mm(x.ref, y.ref) as any
      await c.blockUntilReady()
      c.dispose()
    }
  },
})
if (small) {
  for (const kernel of ['ts', 'gpu'] as const) {
    impls.push({
      impl: `descent matmul (${kernel === 'gpu' ? 'gpu.js webasm' : 'plain TS'})`,
      kind: 'descent',
      alone: true,
      reps: slowReps,
      warmup: quick ? 1 : 2,
      make: () => {
        if (kernel === 'gpu') useGpu() // installs gpu.js (its WebAssembly mode in Node) for the kernel: 'gpu'
        return () => matmul(a, b, m, k, n, { kernel })
      },
    })
  }
  // TF.js cpu on its own, after the others (switching TF.js backends per call would move the tensors).
  impls.push({ impl: 'TF.js cpu matMul', kind: 'peer', alone: true, reps: slowReps, warmup: 2, make: tfStep('cpu') })
}

await runWorkload(workload, impls, 2, reps, { flops, warmupMs: warmMs })
