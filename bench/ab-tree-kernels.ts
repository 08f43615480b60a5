// A/B in one process, interleaved: the SIMD kernels of another checkout against this one's (issue 13, round 8): the
// matmul on one thread and on two (the MLP's two large products and 1024³) and the fused Adam step streamed through
// the module's memory (`adamwFused`, p′ included, as the pure step calls it), with a check that both trees give the
// same bits.
// The other checkout: see bench/otherCheckout.ts.
//   npx tsx bench/ab-tree-kernels.ts /tmp/old [rounds]
import { adamwFused } from '../src/kernels/fused/adamwFused'
import { matmulWasm } from '../src/kernels/wasm/index'
import { scalars as adamwScalars } from '../test/_helpers/adamwInputs'
import { median, randomF32 } from './lib'
import { otherCheckout } from './otherCheckout'

const [dir, roundsArg] = process.argv.slice(2)
if (dir === undefined) throw new RangeError('usage: tsx bench/ab-tree-kernels.ts <other checkout> [rounds]')
const rounds = Number(roundsArg ?? 25)

interface Kernels {
  readonly matmulWasm: typeof matmulWasm
  readonly adamwFused: typeof adamwFused
}
const here: Kernels = { matmulWasm, adamwFused }
const load = await otherCheckout(dir)
const other: Kernels = {
  matmulWasm: (await load<Kernels>('src/kernels/wasm/index.ts')).matmulWasm,
  adamwFused: (await load<Kernels>('src/kernels/fused/adamwFused.ts')).adamwFused,
}

const scalars = adamwScalars(10, { wd: 1e-4 })

interface Case {
  readonly name: string
  /** One call; returns the result whose bits both trees must share. */
  readonly run: (k: Kernels) => Float32Array
  /** Calls per timed sample. */
  readonly calls: number
}
const matmulCase = (M: number, K: number, N: number, threads: 1 | 2, transA = false): Case => {
  const a = randomF32(M * K, M + K)
  const b = randomF32(K * N, K + N + 1)
  const calls = Math.max(2, Math.round(5e7 / (M * K * N)))
  const t = transA ? 'ᵀ' : ''
  return {
    name: `matmul ${M}×${K}${t}·${K}×${N}, ${threads} thread${threads === 1 ? '' : 's'}`,
    run: (k) => k.matmulWasm(a, b, M, K, N, { threads, transA }),
    calls,
  }
}
const adamCase = (n: number): Case => {
  const [p, g, m] = [1, 2, 3].map((seed) => randomF32(n, seed))
  const v = randomF32(n, 4).map(Math.abs)
  return {
    name: `adamwFused ${n} elements (m′, v′, u, p′)`,
    run: (k) => k.adamwFused(p!, g!, m!, v, scalars, { applyParams: true }).p!,
    calls: Math.max(2, Math.round(2e6 / n)),
  }
}
const cases: Case[] = [
  matmulCase(1024, 1024, 1024, 1),
  matmulCase(128, 784, 256, 1),
  matmulCase(128, 784, 256, 2),
  matmulCase(784, 128, 256, 2, true),
  adamCase(200704),
  adamCase(1_000_000),
]

for (const c of cases) {
  const times = { other: [] as number[], this: [] as number[] }
  for (let r = 0; r < rounds; r++) {
    // Which tree runs first alternates, so that neither always follows the other.
    const order = r % 2 === 0 ? (['other', 'this'] as const) : (['this', 'other'] as const)
    for (const name of order) {
      const k = name === 'this' ? here : other
      const t0 = performance.now()
      for (let i = 0; i < c.calls; i++) c.run(k)
      times[name].push((performance.now() - t0) / c.calls)
    }
  }
  const [x, y] = [c.run(other), c.run(here)]
  let differ = 0
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) differ++
  // The first rounds are V8's tier-up and the first calls' page faults.
  const [o, h] = [median(times.other.slice(3)), median(times.this.slice(3))]
  const bits = differ === 0 ? 'same bits' : `${differ} elements DIFFER`
  console.log(
    `${c.name}: other ${o.toFixed(3)} ms, this ${h.toFixed(3)} ms; this ÷ other ${(h / o).toFixed(3)}×; ${bits}`,
  )
}
