import { describe, expect, it } from 'vitest'
import { type Tensor, safeNorm, tensor } from '../../src/index'

// optax.safe_norm(x, min_norm, ord, axis, keepdims) = where(‖x‖ ≤ min_norm, min_norm, ‖x‖), the norms of
// jnp.linalg.norm. Expected values by hand.
const x = tensor(
  [
    [3, -4, 0],
    [1, 2, -2],
  ],
  'float64',
)
const arr = (t: number | Tensor) => (t as Tensor).toArray()

describe('safeNorm ord / axis / keepdims', () => {
  it('whole-leaf vector norms of each order', () => {
    const v = tensor([3, -4, 0, 12], 'float64')
    expect(safeNorm(v, 0)).toBe(13)
    expect(safeNorm(v, 0, { ord: 1 })).toBe(19)
    expect(safeNorm(v, 0, { ord: Infinity })).toBe(12)
    expect(safeNorm(v, 0, { ord: -Infinity })).toBe(0)
    expect(safeNorm(v, 0, { ord: 0 })).toBe(3)
    expect(safeNorm(v, 0, { ord: 3 })).toBeCloseTo((27 + 64 + 1728) ** (1 / 3), 12)
  })
  it('a matrix without axis: Frobenius, max/min column and row sums of |x|', () => {
    expect(safeNorm(x, 0, { ord: 'fro' })).toBeCloseTo(Math.sqrt(9 + 16 + 1 + 4 + 4), 14)
    expect(safeNorm(x, 0, { ord: 1 })).toBe(6) // columns: 4, 6, 2
    expect(safeNorm(x, 0, { ord: -1 })).toBe(2)
    expect(safeNorm(x, 0, { ord: Infinity })).toBe(7) // rows: 7, 5
    expect(safeNorm(x, 0, { ord: -Infinity })).toBe(5)
    expect(() => safeNorm(x, 0, { ord: 3 })).toThrow(/on a matrix/)
  })
  it('per slice along an axis, each floored at minNorm, with keepdims', () => {
    expect(arr(safeNorm(x, 0, { axis: 1 }))).toEqual([5, 3])
    expect(arr(safeNorm(x, 0, { axis: -1, ord: 1 }))).toEqual([7, 5])
    expect(arr(safeNorm(x, 2.5, { axis: 0 }))).toEqual([Math.sqrt(10), Math.sqrt(20), 2.5])
    const k = safeNorm(x, 0, { axis: 0, keepdims: true })
    expect(k.shape).toEqual([1, 3])
    expect(() => safeNorm(x, 0, { axis: 2 })).toThrow(/not an axis/)
  })
  it("a matrix's spectral (2), smallest-singular-value (−2) and nuclear ('nuc') norms, from the closed form", () => {
    // x·xᵀ = [[25, −5], [−5, 9]]: eigenvalues 17 ± √89, so σ = √(17 ± √89)
    const [s1, s2] = [Math.sqrt(17 + Math.sqrt(89)), Math.sqrt(17 - Math.sqrt(89))]
    expect(safeNorm(x, 0, { ord: 2 })).toBeCloseTo(s1, 13)
    expect(safeNorm(x, 0, { ord: -2 })).toBeCloseTo(s2, 13)
    expect(safeNorm(x, 0, { ord: 'nuc' })).toBeCloseTo(s1 + s2, 13)
    // Σσ² = ‖x‖_F²: a check independent of the closed form
    expect(s1 * s1 + s2 * s2).toBeCloseTo((safeNorm(x, 0, { ord: 'fro' }) as number) ** 2, 12)
    // diag(3, −5, 0) (3×3): σ = 5, 3, 0; a tall and a wide matrix give the same σ as their transposes
    const d = tensor(
      [
        [3, 0, 0],
        [0, -5, 0],
        [0, 0, 0],
      ],
      'float64',
    )
    expect([safeNorm(d, 0, { ord: 2 }), safeNorm(d, 0, { ord: -2 }), safeNorm(d, 0, { ord: 'nuc' })]).toEqual([5, 0, 8])
    const xt = tensor(
      [
        [3, 1],
        [-4, 2],
        [0, -2],
      ],
      'float64',
    )
    expect(safeNorm(xt, 0, { ord: 2 })).toBeCloseTo(s1, 13)
    expect(safeNorm(xt, 0, { ord: 'nuc' })).toBeCloseTo(s1 + s2, 13)
    // floored at minNorm; optax's test: the 3×4 zero matrix gives min_norm (0 or 3) for every matrix order
    expect(safeNorm(x, 100, { ord: 'nuc' })).toBe(100)
    const zeros = tensor(
      Array.from({ length: 3 }, () => [0, 0, 0, 0]),
      'float64',
    )
    for (const ord of [2, -2, 'nuc', 'fro', 1, -1, Infinity, -Infinity] as const) {
      expect(safeNorm(zeros, 3, { ord })).toBe(3)
      expect(safeNorm(zeros, 0, { ord })).toBe(0)
    }
    expect(() => safeNorm(tensor([3, 4]), 0, { ord: 'nuc' })).toThrow(/matrix norm/)
  })
  it('matrix norms over a pair of axes: one per matrix, the rows along the first axis', () => {
    // two matrices stacked on axis 0: x and diag-like m2
    const m2 = [
      [0, 2, 0],
      [1, 0, 0],
    ]
    const stack = tensor([x.toArray() as number[][], m2], 'float64')
    const spectral = arr(safeNorm(stack, 0, { ord: 2, axis: [1, 2] })) as number[]
    expect(spectral[0]).toBeCloseTo(Math.sqrt(17 + Math.sqrt(89)), 13)
    expect(spectral[1]).toBeCloseTo(2, 14)
    expect((arr(safeNorm(stack, 0, { ord: 'nuc', axis: [-2, -1] })) as number[])[1]).toBeCloseTo(3, 14)
    // the same matrices transposed ([2, 1]): column sums become row sums
    expect(arr(safeNorm(stack, 0, { ord: Infinity, axis: [1, 2] }))).toEqual([7, 2])
    expect(arr(safeNorm(stack, 0, { ord: 1, axis: [2, 1] }))).toEqual([7, 2])
    expect(arr(safeNorm(stack, 0, { axis: [1, 2] }))).toEqual([Math.sqrt(34), Math.sqrt(5)])
    // matrices over the outer axes [0, 2] (2×3 each, one per index of axis 1), keepdims, and the floor
    const k = safeNorm(stack, 1.5, { ord: 1, axis: [0, 2], keepdims: true })
    expect(k.shape).toEqual([1, 2, 1])
    // axis 1 = 0: [[3, −4, 0], [0, 2, 0]]: column sums 3, 6, 0; axis 1 = 1: [[1, 2, −2], [1, 0, 0]]: 2, 2, 2
    expect(arr(k)).toEqual([[[6], [2]]])
    expect(arr(safeNorm(stack, 2.5, { ord: 1, axis: [0, 2] }))).toEqual([6, 2.5])
    expect(() => safeNorm(stack, 0, { axis: [1, 1] })).toThrow(/twice/)
    expect(() => safeNorm(stack, 0, { axis: [1, 3] })).toThrow(/not an axis/)
  })
  it('keepdims without axis keeps every axis with size 1', () => {
    const k = safeNorm(x, 0, { keepdims: true }) as Tensor
    expect(k.shape).toEqual([1, 1])
  })
})
