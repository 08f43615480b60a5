/**
 * The SIMD sum of squares behind tree.norm's float32 leaves: exact closed forms across the TS/SIMD boundary and the
 * chunk boundary, and the same bits as the TS reference (sumSquares32) on random data of every length mod 8, with
 * non-finite values, subnormals and lengths that span several chunks.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sumSquares32 } from '../../src/kernels/sumSquares'
import { SUM_SQUARES_SIMD_MIN, sumSquaresF32 } from '../../src/kernels/sumSquaresFast'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { tensor, tree } from '../../src/index'

const same = (a: Float32Array) => Object.is(sumSquaresF32(a), sumSquares32(a))

describe('sumSquaresF32', () => {
  it('runs here with WebAssembly SIMD (else these tests would only check the TS loop against itself)', () => {
    expect(wasmAvailable()).toBe(true)
  })

  it('Σ_{i=1}^{n} 1² = n and Σ (i mod 64)² in closed form, exactly, across the SIMD threshold and chunk ends', () => {
    for (const n of [SUM_SQUARES_SIMD_MIN - 1, SUM_SQUARES_SIMD_MIN, SUM_SQUARES_SIMD_MIN + 7, 16384, 16391, 40_003]) {
      expect(sumSquaresF32(new Float32Array(n).fill(1))).toBe(n)
      // Σ_{i<n} (i mod 64)²: full periods give 64·Σ_{k<64} k² / 64 each (Σ_{k<64} k² = 63·64·127/6 = 85344).
      const a = Float32Array.from({ length: n }, (_, i) => i % 64)
      const periods = Math.floor(n / 64)
      let rest = 0
      for (let k = 0; k < n % 64; k++) rest += k * k
      expect(sumSquaresF32(a)).toBe(periods * 85344 + rest)
    }
  })

  it('a single non-zero at any lane, chunk and tail position is its square', () => {
    const n = 16384 + 16384 + 13
    for (const k of [0, 1, 7, 8, 16383, 16384, 16391, 32767, 32768, n - 1]) {
      const a = new Float32Array(n)
      a[k] = -3
      expect(sumSquaresF32(a)).toBe(9)
    }
  })

  it('NaN and ±Infinity propagate from the SIMD part and from the tail', () => {
    for (const k of [0, 600, 1027]) {
      const a = new Float32Array(1028).fill(0.5)
      a[k] = NaN
      expect(sumSquaresF32(a)).toBeNaN()
      a[k] = -Infinity
      expect(sumSquaresF32(a)).toBe(Infinity)
    }
  })

  it('the same bits as the TS lanes (sumSquares32) on random float32 data of any length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(1e-40, 1e-3, 1, 1e5, 3e38),
        (n, seed, scale) => {
          let x = seed
          const a = Float32Array.from(
            { length: n },
            () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * scale,
          )
          return same(a)
        },
      ),
      { numRuns: 60 },
    )
  })

  it('is what tree.norm sums for a large float32 leaf (squared: the same bits as the TS reference)', () => {
    const a = Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i) * 3)
    expect(Object.is(tree.norm(tensor(a), { squared: true }), sumSquares32(a))).toBe(true)
  })
})
