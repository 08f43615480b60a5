import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { ShapeError, grad, ops, squaredError, tensor } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, vals } from '../_numeric'

describe('squaredError', () => {
  it('is (p − t)² element-wise, with no reduction', () => {
    // (1−1)² = 0, (2−0)² = 4, (3−6)² = 9
    const l = squaredError(tensor([[1, 2, 3]]), tensor([[1, 0, 6]]))
    expect(l.shape).toEqual([1, 3])
    expect(l.toArray()).toEqual([[0, 4, 9]])
  })

  it('without targets is p² (optax targets=None), and a number target is a scalar', () => {
    expect(squaredError(tensor([-2, 3])).toArray()).toEqual([4, 9])
    expect(squaredError(tensor([-2, 3]), 1).toArray()).toEqual([9, 4])
  })

  it('keeps the dtype and does not modify its inputs', () => {
    const p = tensor([1, 2], 'float64')
    const t = tensor([0, 0], 'float64')
    expect(expectInputsUnchanged(() => squaredError(p, t), p, t).dtype).toBe('float64')
    expect(squaredError(tensor([1, 2]), tensor([0, 0])).dtype).toBe('float32')
  })

  it('rejects tensors of different shapes (losses do not broadcast)', () => {
    expect(() => squaredError(tensor([1, 2, 3]), tensor([[1, 2, 3]]))).toThrow(ShapeError)
    expect(() => squaredError(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(
      'squaredError: predictions shape [3] vs targets [2]; losses do not broadcast',
    )
  })

  it('has gradient 2(p − t) with respect to p and −2(p − t) with respect to t (float64)', () => {
    const r = rng(1)
    const p = randTensor(r, [3, 4])
    const t = randTensor(r, [3, 4])
    const [gp, gt] = grad((a, b) => ops.sum(squaredError(a, b)), { argnums: [0, 1] })(p, t)
    const e = vals(p).map((v, i) => v - t.data[i]!)
    vals(gp).forEach((g, i) => expect(g).toBeCloseTo(2 * e[i]!, 14))
    vals(gt).forEach((g, i) => expect(g).toBeCloseTo(-2 * e[i]!, 14))
  })

  test.prop([fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })])(
    'matches (p − t)² in float64',
    (p, t) => {
      expect(squaredError(tensor([p], 'float64'), tensor([t], 'float64')).item()).toBe((p - t) ** 2)
    },
  )
})
