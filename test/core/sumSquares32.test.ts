/**
 * The blocked float32 sum of squares behind tree.norm (eight float64 partial sums): exact where no partial sum can
 * round (integers: closed forms), every length mod 8 (the tail), non-finite values, and within float64 rounding of a
 * compensated sum on random data.
 */
import { describe, expect, it } from 'vitest'
import { sumSquares32 } from '../../src/kernels/sumSquares'
import { tensor, tree } from '../../src/index'

describe('sumSquares32', () => {
  it('Σ_{i=1}^{n} i² = n(n+1)(2n+1)/6 exactly, for every length 0…40 (each tail length)', () => {
    for (let n = 0; n <= 40; n++) {
      const a = Float32Array.from({ length: n }, (_, i) => i + 1)
      expect(sumSquares32(a)).toBe((n * (n + 1) * (2 * n + 1)) / 6)
    }
  })

  it('the partial sums are combined, not dropped: a single non-zero at any index is its square', () => {
    for (let n = 1; n <= 19; n++) {
      for (let k = 0; k < n; k++) {
        const a = new Float32Array(n)
        a[k] = -3
        expect(sumSquares32(a)).toBe(9)
      }
    }
  })

  it('NaN and ±Infinity propagate from any position', () => {
    for (const k of [0, 5, 8, 13]) {
      const a = new Float32Array(14).fill(1)
      a[k] = NaN
      expect(sumSquares32(a)).toBeNaN()
      a[k] = -Infinity
      expect(sumSquares32(a)).toBe(Infinity)
    }
    // The largest float32 squared is ≈ 1.16e77: no overflow in float64, and 9·f² is exact (48 + 4 bits).
    const f = Math.fround(3.4e38)
    expect(sumSquares32(new Float32Array(9).fill(f))).toBe(9 * f * f)
  })

  it('random float32 data: within n·2⁻⁵³ (relative) of a compensated float64 sum', () => {
    let x = 12345
    const n = 100_003
    const a = Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 8 - 4)
    // Neumaier's compensated sum of the exact float64 squares: error ≈ 2⁻⁵³ of the sum, independent of n.
    let s = 0
    let c = 0
    for (const v of a) {
      const y = v * v
      const t = s + y
      c += Math.abs(s) >= Math.abs(y) ? s - t + y : y - t + s
      s = t
    }
    const ref = s + c
    expect(Math.abs(sumSquares32(a) - ref)).toBeLessThanOrEqual(ref * n * 2 ** -53)
  })

  it('is what tree.norm sums for a float32 leaf (squared, one leaf: the same bits)', () => {
    const a = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 3)
    expect(Object.is(tree.norm(tensor(a), { squared: true }), sumSquares32(a))).toBe(true)
  })
})
