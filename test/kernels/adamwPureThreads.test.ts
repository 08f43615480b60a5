import { availableParallelism } from 'node:os'
import { beforeAll, describe, expect, it } from 'vitest'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { sumSquares32 } from '../../src/kernels/sumSquares'
import { workerShareStart } from '../../src/kernels/wasm/adamwSplit'
import { type AdamwOut, type AdamwScalars, CHUNK, adamwWasm, wasmAvailable } from '../../src/kernels/wasm/index'
import { ELEMENTWISE_SPLIT_MIN, sharedKernels, whenThreadsReady } from '../../src/kernels/wasm/shared'
import { f32, scalars } from '../_helpers/adamwInputs'
import { expectTypedArraysEqual } from '../_helpers/assertions'

type Out = AdamwOut & { readonly p: Float32Array }

const zeros = (n: number): Out => ({
  m: new Float32Array(n),
  v: new Float32Array(n),
  u: new Float32Array(n),
  p: new Float32Array(n),
})

/** One pure step of the SIMD path (threads as given) against the TS kernel, the reference, bit for bit. */
function expectStepLikeTs(n: number, c: AdamwScalars, threads: 1 | 2 | undefined, storeU: boolean): void {
  const [p, g, m, v] = [f32(n, 1, 2), f32(n, 2, 0.1), f32(n, 3, 0.01), f32(n, 4, 1e-4).map(Math.abs)]
  const inputs = [p, g, m, v].map((a) => a.slice())
  const want = zeros(n)
  adamwFusedTs(p, g, m, v, c, want)
  const got = zeros(n)
  const squares = new Float64Array(3)
  adamwWasm(p, g, m, v, c, got, storeU, squares, threads)
  expectTypedArraysEqual(got.m, want.m)
  expectTypedArraysEqual(got.v, want.v)
  expectTypedArraysEqual(got.p, want.p)
  if (storeU) expectTypedArraysEqual(got.u, want.u)
  // [Σu², Σp′², Σg²]: the bits of the float64 lanes over the whole leaf (sumSquares32, what tree.norm sums).
  expect(squares[0]).toBe(sumSquares32(want.u))
  expect(squares[1]).toBe(sumSquares32(want.p))
  expect(squares[2]).toBe(sumSquares32(g))
  // The caller's arrays are never written.
  ;[p, g, m, v].forEach((a, i) => expectTypedArraysEqual(a, inputs[i]!))
}

// Sizes around every boundary: the smallest split (16), tails of 1–7 past a multiple of 8 (the lanes' tail and the
// kernel's scalar tail), the chunk size of this thread's share, the worker's parts (4 from 4·16384), and the split
// threshold of the other elementwise kernels (ELEMENTWISE_SPLIT_MIN).
const SIZES = [
  16,
  23,
  103,
  2 * CHUNK + 8,
  2 * CHUNK + 13,
  4 * 16384 * 2 + 7,
  ELEMENTWISE_SPLIT_MIN - 1,
  ELEMENTWISE_SPLIT_MIN,
  ELEMENTWISE_SPLIT_MIN + 5,
  2 * ELEMENTWISE_SPLIT_MIN + 12_347,
]

const twoThreadsHere = () =>
  sharedKernels() !== null && availableParallelism() >= 2 && process.env['DESCENT_THREADS'] !== '1'

describe.runIf(wasmAvailable())('the pure fused Adam step on two threads (the worker over the shared pool)', () => {
  let two = false
  beforeAll(async () => {
    two = await whenThreadsReady()
  })

  it('the worker’s share starts on a multiple of 8, about half way', () => {
    expect(two).toBe(twoThreadsHere())
    for (const n4 of [16, 20, 100, 8192, 200_704]) {
      const h = workerShareStart(n4)
      expect(h % 8).toBe(0)
      expect(h).toBeGreaterThan(0)
      expect(h).toBeLessThan(n4)
      expect(Math.abs(n4 - 2 * h)).toBeLessThan(16)
    }
  })

  it.each(SIZES)('%i elements: split, one thread and the default (one thread) all give the TS kernel’s bits', (n) => {
    const before = sharedKernels()?.splits() ?? 0
    for (const threads of [2, 1, undefined] as const) {
      expectStepLikeTs(n, scalars(3), threads, true)
      expectStepLikeTs(n, scalars(3), threads, false)
    }
    // The forced split reached the worker (where two threads run): two calls, each posted once.
    if (two) expect((sharedKernels()?.splits() ?? 0) - before).toBeGreaterThanOrEqual(2)
  })

  it('nesterov, no weight decay, a scale of 1, and ±0 / subnormal gradients: the same bits split or not', () => {
    const n = 2 * ELEMENTWISE_SPLIT_MIN + 9
    for (const c of [
      scalars(1, { nesterov: true }),
      scalars(7, { applyWd: false, wd: 0 }),
      scalars(2, { applyWd: false, wd: 0, s: 1 }),
      scalars(5, { epsRoot: 1e-12, eps: 0 }),
    ]) {
      for (const threads of [2, undefined] as const) expectStepLikeTs(n, c, threads, false)
    }
    const g = f32(n, 9, 1e-40)
    g[0] = -0
    g[n - 1] = 0
    const [p, m, v] = [f32(n, 1), new Float32Array(n), new Float32Array(n)]
    const want = zeros(n)
    adamwFusedTs(p, g, m, v, scalars(1), want)
    const got = zeros(n)
    adamwWasm(p, g, m, v, scalars(1), got, true, undefined, 2)
    expectTypedArraysEqual(got.u, want.u)
    expectTypedArraysEqual(got.p, want.p)
  })
})
