// descent's SIMD matmul on one thread against TF.js wasm's matMul (XNNPACK, one thread), interleaved call by call in
// one process, over shapes; medians, GFLOP/s and the time ratio (below 1: descent is faster). Both include what a
// call costs its caller: descent copies the operands into wasm memory and the result out; TF.js's operands already
// live in its wasm heap. A third column times descent writing into one reused `out` array: the difference is what
// the fresh result's first-touch page faults cost (bench/page-faults.ts; ~2.6 ms per MiB in the gVisor sandbox).
//   npx tsx bench/ab-matmul-tf.ts [128x784x256,784x128x256,256,512,1024] [reps at 512³]
import { matmulWasm } from '../src/kernels/wasm/index'
import { loadTf, median, randomF32 } from './lib'

const shapes = (process.argv[2] ?? '128x784x256,784x128x256,256,512,1024').split(',').map((s) => {
  const d = s.split('x').map(Number)
  return (d.length === 1 ? [d[0], d[0], d[0]] : d) as [number, number, number]
})
const reps512 = Number(process.argv[3] ?? 41)
const tf = await loadTf('wasm')
for (const [M, K, N] of shapes) {
  const a = randomF32(M * K, 1)
  const b = randomF32(K * N, 2)
  const [x, y] = [tf.tensor2d(a, [M, K]), tf.tensor2d(b, [K, N])]
  const reps = Math.max(9, Math.min(201, Math.round((reps512 * 512 ** 3) / (M * K * N))))
  const ours: number[] = []
  const reused: number[] = []
  const theirs: number[] = []
  const out = new Float32Array(M * N)
  for (let r = 0; r < reps + 3; r++) {
    const t0 = performance.now()
    matmulWasm(a, b, M, K, N, { threads: 1 })
    const t1 = performance.now()
    tf.matMul(x, y).dispose()
    const t2 = performance.now()
    matmulWasm(a, b, M, K, N, { threads: 1 }, out)
    const t3 = performance.now()
    if (r >= 3) (ours.push(t1 - t0), theirs.push(t2 - t1), reused.push(t3 - t2))
  }
  x.dispose()
  y.dispose()
  const [d, t, o] = [median(ours), median(theirs), median(reused)]
  const gf = (ms: number) => ((2 * M * K * N) / ms / 1e6).toFixed(1)
  console.log(
    `${M}x${K}x${N}: descent ${d.toFixed(3)} ms (${gf(d)} GFLOP/s), TF.js wasm ${t.toFixed(3)} ms (${gf(t)} GFLOP/s); ` +
      `descent ÷ TF.js ${(d / t).toFixed(2)}×; descent into a reused out ${o.toFixed(3)} ms, ÷ TF.js ` +
      `${(o / t).toFixed(2)}× (${reps} calls each)`,
  )
}
