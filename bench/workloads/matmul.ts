// (d) matmul 512×512×512 float32, GFLOP/s for each descent kernel (TS reference, SIMD wasm, gpu.js webasm), with
// TF.js (cpu, wasm) and jax-js for reference. Usage: tsx bench/workloads/matmul.ts [n] [--quick]
import { useGpu } from '../../src/gpu/index'
import { matmul } from '../../src/kernels/dispatch'
import { type Row, emit, loadJax, loadTf, quick, randomF32, time } from '../lib'

const n = Number(process.argv[2] ?? 512)
const workload = `matmul-${n}`
const flops = 2 * n ** 3
const rows: Row[] = []
const add = (impl: string, kind: Row['kind'], t: { median: number; min: number }, reps: number) =>
  rows.push({ workload, impl, kind, medianMs: t.median, minMs: t.min, reps, gflops: flops / t.median / 1e6 })
useGpu() // installs gpu.js (its WebAssembly mode in Node) for the kernel: 'gpu' row
const a = randomF32(n * n, 1)
const b = randomF32(n * n, 2)

for (const kernel of ['wasm', 'ts', 'gpu'] as const) {
  const reps = kernel === 'wasm' ? (quick ? 5 : 21) : quick ? 2 : 5
  add(
    `descent matmul (${kernel === 'gpu' ? 'gpu.js webasm' : kernel === 'wasm' ? 'SIMD wasm, 1 thread' : 'plain TS'})`,
    'descent',
    await time(() => matmul(a, b, n, n, n, { kernel }), quick ? 1 : 2, reps),
    reps,
  )
}
for (const backend of ['wasm', 'cpu'] as const) {
  const tf = await loadTf(backend)
  const [x, y] = [tf.tensor2d(a, [n, n]), tf.tensor2d(b, [n, n])]
  const reps = backend === 'wasm' ? (quick ? 5 : 21) : quick ? 2 : 5
  add(`TF.js ${backend} matMul`, 'peer', await time(() => tf.matMul(x, y).dispose(), quick ? 1 : 2, reps), reps)
}
{
  const jax = await loadJax()
  const np = jax.numpy
  const [x, y] = [np.array(a).reshape([n, n]), np.array(b).reshape([n, n])]
  const mm = jax.jit((p: any, q: any) => np.matmul(p, q))
  const reps = quick ? 5 : 21
  add(
    'jax-js jit matmul (wasm)',
    'peer',
    await time(
      async () => {
        const c = mm(x.ref, y.ref) as any
        await c.blockUntilReady()
        c.dispose()
      },
      quick ? 1 : 2,
      reps,
    ),
    reps,
  )
}
emit(rows)
