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
    expect(() => safeNorm(x, 0, { ord: 2 })).toThrow(/on a matrix/)
  })
  it('per slice along an axis, each floored at minNorm, with keepdims', () => {
    expect(arr(safeNorm(x, 0, { axis: 1 }))).toEqual([5, 3])
    expect(arr(safeNorm(x, 0, { axis: -1, ord: 1 }))).toEqual([7, 5])
    expect(arr(safeNorm(x, 2.5, { axis: 0 }))).toEqual([Math.sqrt(10), Math.sqrt(20), 2.5])
    const k = safeNorm(x, 0, { axis: 0, keepdims: true })
    expect(k.shape).toEqual([1, 3])
    expect(() => safeNorm(x, 0, { axis: 2 })).toThrow(/not an axis/)
  })
  it('keepdims without axis keeps every axis with size 1', () => {
    const k = safeNorm(x, 0, { keepdims: true }) as Tensor
    expect(k.shape).toEqual([1, 1])
  })
})
