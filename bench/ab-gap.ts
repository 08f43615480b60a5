// One thread against two for single products, interleaved call by call, with a sleep before each call (issue 13,
// round 6): what a product costs when the machine was idle just before, as in a loop that waits for data or an
// animation frame, or the bench's round-robin, where other implementations run between two of descent's steps.
//   npx tsx bench/ab-gap.ts [MxKxN[T],...] [calls] [sleep ms]     (T: op(A) transposed; sleep 0: back to back)
import { matmulWasm } from '../src/kernels/wasm/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { median } from './lib'

const shapes = (process.argv[2] ?? '128x784x256,784x128x256T').split(',')
const calls = Number(process.argv[3] ?? 100)
const sleepMs = Number(process.argv[4] ?? 20)
const WARM_UP = 20

if (!(await whenThreadsReady())) console.log('(one thread only here: both rows run on this thread)')
const pause = () => new Promise<void>((resolve) => (sleepMs > 0 ? setTimeout(resolve, sleepMs) : setImmediate(resolve)))
for (const shape of shapes) {
  const transA = shape.endsWith('T')
  const [M, K, N] = shape.replace('T', '').split('x').map(Number) as [number, number, number]
  const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i) / 2)
  const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i) / 2)
  const times: Record<1 | 2, number[]> = { 1: [], 2: [] }
  for (let r = 0; r < calls + WARM_UP; r++) {
    // Which path goes first alternates, so that neither always follows the other.
    for (const threads of r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
      await pause()
      const t0 = performance.now()
      matmulWasm(a, b, M, K, N, { transA, threads })
      if (r >= WARM_UP) times[threads].push(performance.now() - t0)
    }
  }
  const [one, two] = [median(times[1]), median(times[2])]
  console.log(
    `${shape}, sleep ${sleepMs} ms: one thread ${one.toFixed(3)} ms, two ${two.toFixed(3)} ms (medians of ${calls});` +
      ` two ÷ one ${(two / one).toFixed(2)}× the time`,
  )
}
