// Issue 16: NaN, ±Infinity, ±0 and subnormals at random positions through every matmul kernel (plain TS, SIMD wasm,
// gpu.js, the batched n-d kernel in both dtypes), with transA/transB, at sizes on both sides of the dispatch
// thresholds, compared with a naive float64 reference evaluated with IEEE rules.
import { fc, test } from '@fast-check/vitest'
import { afterAll, afterEach, describe, expect } from 'vitest'
import { releaseGpu, useGpu } from '../../src/gpu/index'
import { THRESHOLDS, gpuKernels, matmul, matmulTs, setBackend } from '../../src/kernels/dispatch'
import { matmul as ndMatmul } from '../../src/kernels/ndarray'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { expectIeee, fillArb, filled } from '../_helpers/nonFinite'

/**
 * The reference: op(A)·op(B) with op(A) M×K, op(B) K×N, each element Σ_k a·b summed in float64 from +0 in increasing
 * k (products of float32 values are exact in float64). Also returns Σ|a·b| per element, for float32 tolerances.
 */
function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  M: number,
  K: number,
  N: number,
  transA = false,
  transB = false,
): { sum: Float64Array; abs: Float64Array } {
  const sum = new Float64Array(M * N)
  const abs = new Float64Array(M * N)
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0
      let t = 0
      for (let k = 0; k < K; k++) {
        const x = transA ? a[k * M + i]! : a[i * K + k]!
        const y = transB ? b[j * K + k]! : b[k * N + j]!
        s += x * y
        t += Math.abs(x * y)
      }
      sum[i * N + j] = s
      abs[i * N + j] = t
    }
  }
  return { sum, abs }
}

const exact = (r: { sum: Float64Array }) => Float32Array.from(r.sum)
/** A float32-accumulating kernel's error bound: (K+1) float32 roundings of the partial sums, plus subnormal spacing. */
const f32tol = (r: { abs: Float64Array }, K: number) => (i: number) => (K + 1) * 2 ** -23 * r.abs[i]! + 2 ** -140

const THRESHOLD = THRESHOLDS.matmulWasmMinMacs
// [M, K, N]: tiny, just below the SIMD threshold (15³ < 4096), at it (16³), K past the SIMD kernel's 256-deep k
// blocks with M and N off its 4×8 tiles, and a square 64³.
const SIZES: readonly (readonly [number, number, number])[] = [
  [1, 2, 1],
  [3, 5, 2],
  [15, 15, 15],
  [16, 16, 16],
  [5, 300, 9],
  [64, 64, 64],
]
const TRANS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const

describe('matmul kernels propagate non-finite values as IEEE 754 says', () => {
  // descent-ts/gpu installs the gpu.js kernels (gpu.js's WebAssembly mode in Node: always available here).
  useGpu()
  afterAll(() => releaseGpu())
  afterEach(() => setBackend('auto'))

  test('the issue’s example: [[0, 1]]·[[NaN], [2]] is NaN on every kernel', () => {
    const a = new Float32Array([0, 1])
    const b = new Float32Array([NaN, 2])
    expect(matmulTs(a, b, 1, 2, 1)[0]).toBeNaN()
    expect(ndMatmul(Float64Array.from(a), [1, 2], Float64Array.from(b), [2, 1], Float64Array).data[0]).toBeNaN()
    if (wasmAvailable()) expect(matmul(a, b, 1, 2, 1, { kernel: 'wasm' })[0]).toBeNaN()
    expect(gpuKernels()).not.toBeNull()
    expect(matmul(a, b, 1, 2, 1, { kernel: 'gpu' })[0]).toBeNaN()
    // 0·∞ is NaN too, and a zero row against a finite B is +0.
    expect(matmulTs(a, new Float32Array([Infinity, 2]), 1, 2, 1)[0]).toBeNaN()
    expect(Object.is(matmulTs(new Float32Array([0, -0]), new Float32Array([-1, 1]), 1, 2, 1)[0], 0)).toBe(true)
  })

  test('the sizes cover both sides of the SIMD threshold', () => {
    const macs = SIZES.map(([m, k, n]) => m * k * n)
    expect(macs.some((x) => x < THRESHOLD) && macs.some((x) => x >= THRESHOLD)).toBe(true)
  })

  for (const [M, K, N] of SIZES) {
    const runs = M * K * N > 20000 ? 4 : 12
    test.prop([fillArb(), fillArb(), fc.constantFrom(...TRANS)], { numRuns: runs })(
      `${M}×${K}·${K}×${N}: dispatched ('auto') and plain TS are the float64 sum rounded once; SIMD within float32`,
      (fa, fb, [tA, tB]) => {
        // Arrange
        const a = filled(M * K, fa) as Float32Array
        const b = filled(K * N, fb) as Float32Array
        const r = reference(a, b, M, K, N, tA, tB)
        const o = { transA: tA, transB: tB }
        // Act / Assert
        expectIeee('ts', matmulTs(a, b, M, K, N, o), exact(r))
        const auto = matmul(a, b, M, K, N, o)
        if (M * K * N < THRESHOLD || !wasmAvailable()) expectIeee('auto (ts)', auto, exact(r))
        else expectIeee('auto (wasm)', auto, r.sum, { tol: f32tol(r, K) })
        if (wasmAvailable())
          expectIeee('wasm', matmul(a, b, M, K, N, { ...o, kernel: 'wasm' }), r.sum, { tol: f32tol(r, K) })
      },
    )
  }

  for (const [M, K, N] of [
    [3, 5, 2],
    [16, 16, 16],
    [33, 70, 17],
  ] as const) {
    test.prop([fillArb(), fillArb(), fc.constantFrom(...TRANS)], { numRuns: 3 })(
      `${M}×${K}·${K}×${N}: gpu.js (setBackend('gpu')) within float32`,
      (fa, fb, [tA, tB]) => {
        expect(gpuKernels()).not.toBeNull()
        const a = filled(M * K, fa) as Float32Array
        const b = filled(K * N, fb) as Float32Array
        const r = reference(a, b, M, K, N, tA, tB)
        setBackend('gpu')
        expectIeee('gpu', matmul(a, b, M, K, N, { transA: tA, transB: tB }), r.sum, { tol: f32tol(r, K) })
      },
    )
  }

  // The n-d kernel: broadcast batch axes, both dtypes; float32 products from the threshold up go to the SIMD kernel.
  for (const [M, K, N] of [
    [2, 3, 4],
    [16, 16, 16],
  ] as const) {
    test.prop([fillArb(), fillArb(), fc.constantFrom(...TRANS), fc.constantFrom('float32', 'float64' as const)], {
      numRuns: 8,
    })(`batched [2,1,·,·]·[3,·,·] with ${M}×${K}·${K}×${N} slices`, (fa, fb, [tA, tB], dtype) => {
      const a = filled(2 * M * K, fa, dtype)
      const b = filled(3 * K * N, fb, dtype)
      const aShape = [2, 1, ...(tA ? [K, M] : [M, K])]
      const bShape = [3, ...(tB ? [N, K] : [K, N])]
      const Out = dtype === 'float32' ? Float32Array : Float64Array
      const got = ndMatmul(a, aShape, b, bShape, Out, { transA: tA, transB: tB })
      expect(got.shape).toEqual([2, 3, M, N])
      const simd = dtype === 'float32' && M * K * N >= THRESHOLD && wasmAvailable()
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const r = reference(a.subarray(i * M * K), b.subarray(j * K * N), M, K, N, tA, tB)
          const slice = got.data.subarray((i * 3 + j) * M * N, (i * 3 + j + 1) * M * N)
          if (simd) expectIeee(`[${i},${j}]`, slice, r.sum, { tol: f32tol(r, K) })
          else expectIeee(`[${i},${j}]`, slice, dtype === 'float32' ? exact(r) : r.sum)
        }
      }
    })
  }
})
