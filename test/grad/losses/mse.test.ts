import { describe, expect, it } from 'vitest'
import { ShapeError, grad, mse, squaredError, tensor } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, vals } from '../_numeric'

describe('mse', () => {
  it('is the mean of the squared errors, a 0-d tensor', () => {
    // (0 + 4 + 9) / 3
    const l = mse(tensor([1, 2, 3], 'float64'), tensor([1, 0, 6], 'float64'))
    expect(l.shape).toEqual([])
    expect(l.item()).toBe(13 / 3)
  })

  it('averages over every element of a batch, and without targets is the mean of p²', () => {
    const r = rng(4)
    const p = randTensor(r, [3, 4])
    const t = randTensor(r, [3, 4])
    const se = vals(squaredError(p, t))
    expect(mse(p, t).item()).toBeCloseTo(se.reduce((a, b) => a + b, 0) / 12, 14)
    expect(mse(tensor([[1, 3]], 'float64')).item()).toBe(5)
  })

  it('has gradient 2(p − t)/n (float64)', () => {
    const r = rng(5)
    const p = randTensor(r, [2, 5])
    const t = randTensor(r, [2, 5])
    const g = grad((a) => mse(a, t))(p)
    vals(g).forEach((v, i) => expect(v).toBeCloseTo((2 * (p.data[i]! - t.data[i]!)) / 10, 15))
  })

  it('keeps the dtype, does not modify inputs, rejects mismatched shapes', () => {
    const p = tensor([1, 2])
    const t = tensor([3, 4])
    expect(expectInputsUnchanged(() => mse(p, t), p, t).dtype).toBe('float32')
    expect(() => mse(tensor([1, 2]), tensor([[1, 2]]))).toThrow(ShapeError)
  })
})
