// The pure fused Adam step (adamwWasm with p′ and the train step's sums of squares) on one thread against two (the
// worker's half over the shared pool, `threads: 2`), interleaved in one process, fresh output arrays each step:
//   npx tsx bench/ab-threads-adam-pure.ts [200704] [reps]
import { adamwWasm } from '../src/kernels/wasm/index'
import { whenThreadsReady } from '../src/kernels/wasm/shared'
import { f32, scalars } from '../test/_helpers/adamwInputs'
import { median } from './lib'

const n = Number(process.argv[2] ?? 200704)
const reps = Number(process.argv[3] ?? 200)
const two = await whenThreadsReady()
const [p, g, m, v] = [f32(n, 1), f32(n, 2), f32(n, 3), f32(n, 4).map(Math.abs)]
const squares = new Float64Array(3)
const times: Record<'one' | 'two', number[]> = { one: [], two: [] }
for (let i = 0; i < reps; i++) {
  for (const k of i % 2 === 0 ? (['two', 'one'] as const) : (['one', 'two'] as const)) {
    const out = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
    const t0 = performance.now()
    adamwWasm(p, g, m, v, scalars(3), out, false, squares, k === 'one' ? 1 : 2)
    times[k].push(performance.now() - t0)
  }
}
const [o, t] = [median(times.one), median(times.two)]
console.log(
  `n = ${n}${two ? '' : ' (no worker here: both one thread)'}: one thread ${o.toFixed(3)} ms (min ${Math.min(...times.one).toFixed(3)}), ` +
    `two ${t.toFixed(3)} ms (min ${Math.min(...times.two).toFixed(3)}); speed two ÷ one ${(o / t).toFixed(2)}×`,
)
