import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { matmulWasm, wasmAvailable } from '../../src/kernels/wasm/index'
import { expectEvery } from '../_helpers/assertions'

/** float64 reference of op(A)·op(B), A stored M×K (or K×M when transA), B stored K×N (or N×K when transB). */
function reference(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  tA = false,
  tB = false,
): Float64Array {
  const c = new Float64Array(M * N)
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0
      for (let k = 0; k < K; k++) s += (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!)
      c[i * N + j] = s
    }
  return c
}

const rand = (n: number, seed: number): Float32Array => {
  let x = seed
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1)
}

function expectClose(actual: Float32Array, expected: Float64Array, K: number): void {
  expect(actual.length).toBe(expected.length)
  // f32 accumulation of K products of |x| ≤ 1: error ≲ K·2⁻²⁴·K (loose, but far below any indexing mistake).
  const tol = 1e-6 * K + 1e-6
  const err = (i: number) => Math.abs(actual[i]! - expected[i]!)
  expectEvery(
    actual.length,
    (i) => err(i) <= tol,
    (i) => expect(err(i)).toBeLessThanOrEqual(tol),
  )
}

describe.runIf(wasmAvailable())('matmulWasm', () => {
  it('2×3 · 3×2 by hand', () => {
    // [[1,2,3],[4,5,6]]·[[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
    const c = matmulWasm(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([7, 8, 9, 10, 11, 12]), 2, 3, 2)
    expect([...c]).toEqual([58, 64, 139, 154])
  })

  it.each([
    [1, 1, 1],
    [4, 8, 8],
    [5, 7, 9],
    [17, 300, 33],
    [64, 513, 10],
    [128, 784, 256],
    [3, 0, 5],
  ])('%i×%i·%i×? against a float64 reference, all four transposition modes', (M, K, N) => {
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = rand(M * K, M + K)
      const b = rand(K * N, K + N + 1)
      expectClose(matmulWasm(a, b, M, K, N, { transA: tA, transB: tB }), reference(a, b, M, K, N, tA, tB), K)
    }
  })

  test.prop([fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20 })])(
    'any shape matches the reference and leaves its inputs unchanged',
    (M, K, N) => {
      const a = rand(M * K, 7 * M + K)
      const b = rand(K * N, 3 * K + N)
      const [a0, b0] = [a.slice(), b.slice()]
      expectClose(matmulWasm(a, b, M, K, N), reference(a, b, M, K, N), K)
      expect(a).toEqual(a0)
      expect(b).toEqual(b0)
    },
  )

  it('packing moves every element to its place: op(A)·I = op(A) and I·op(B) = op(B) exactly, all modes and edges', () => {
    // Products with the identity are exact (x·1 plus zeros), so any misplaced element of a packed panel (whole
    // panels moved by vectors and 4×4 transposes, partial ones element by element) shows as a wrong value.
    const eye = (n: number) => Float32Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0))
    const transpose = (x: Float32Array, rows: number, cols: number) =>
      Float32Array.from({ length: rows * cols }, (_, i) => x[(i % rows) * cols + Math.floor(i / rows)]!)
    for (const [R, C] of [
      [4, 4],
      [8, 8],
      [5, 9],
      [13, 7],
      [16, 24],
      [12, 17],
      [3, 11],
      [33, 6],
      // C copied out row by row around ROW_SET_MIN (64): element loops below it, one set per row from it
      [3, 63],
      [6, 64],
      [2, 65],
      [4, 71],
    ] as const) {
      const x = rand(R * C, 31 * R + C) // op(X) is R×C
      for (const t of [false, true]) {
        const stored = t ? transpose(x, R, C) : x // C×R when transposed
        expect([...matmulWasm(stored, eye(C), R, C, C, { transA: t })]).toEqual([...x])
        expect([...matmulWasm(eye(R), stored, R, R, C, { transB: t })]).toEqual([...x])
      }
    }
  })

  it('the bias + ReLU epilogue: the product, then f32(c + b) per element, then x ≤ 0 ? +0 : x, bit for bit', () => {
    // K past the kernel's k block (256) and K = 0 included: the epilogue applies once, to the complete sums.
    for (const [M, K, N] of [
      [5, 7, 9],
      [17, 300, 33],
      [12, 784, 40],
      [3, 0, 5],
    ] as const) {
      const a = rand(M * K, 5 * M + K)
      const b = rand(K * N, 2 * K + N)
      const bias = rand(N, N + 11)
      bias[0] = -0
      bias[1] = Number.NaN
      const c = matmulWasm(a, b, M, K, N)
      const plus = Float32Array.from(c, (x, i) => Math.fround(x + bias[i % N]!))
      const relu = Float32Array.from(plus, (x) => (x <= 0 ? 0 : x))
      for (const [options, want] of [
        [{ bias }, plus],
        [{ bias, relu: true }, relu],
      ] as const) {
        const got = matmulWasm(a, b, M, K, N, options)
        expectEvery(
          got.length,
          (i) => Object.is(got[i], want[i]),
          (i) => expect(got[i], `${M}×${K}·${N} element ${i}`).toBe(want[i]),
        )
      }
    }
  })

  it('rejects sizes that do not match the shape', () => {
    expect(() => matmulWasm(new Float32Array(5), new Float32Array(6), 2, 3, 2)).toThrow(RangeError)
  })
})
