import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { ShapeError, grad, l2Loss, ops, squaredError, tensor } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, vals } from '../_numeric'

describe('l2Loss', () => {
  it('is ½(p − t)² element-wise, with no reduction', () => {
    // ½·0² = 0, ½·2² = 2, ½·(−3)² = 4.5
    expect(l2Loss(tensor([1, 2, 3]), tensor([1, 0, 6])).toArray()).toEqual([0, 2, 4.5])
    expect(l2Loss(tensor([[2, -4]])).toArray()).toEqual([[2, 8]])
  })

  it('is half of squaredError', () => {
    const r = rng(2)
    const p = randTensor(r, [5])
    const t = randTensor(r, [5])
    expect(vals(l2Loss(p, t))).toEqual(vals(squaredError(p, t)).map((v) => v / 2))
  })

  it('keeps the dtype, does not modify inputs, rejects mismatched shapes', () => {
    const p = tensor([1, 2])
    const t = tensor([3, 4])
    expect(expectInputsUnchanged(() => l2Loss(p, t), p, t).dtype).toBe('float32')
    expect(l2Loss(tensor([1], 'float64'), tensor([3], 'float64')).dtype).toBe('float64')
    expect(() => l2Loss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError)
  })

  it('has gradient p − t (float64)', () => {
    const r = rng(3)
    const p = randTensor(r, [2, 3])
    const t = randTensor(r, [2, 3])
    const g = grad((a) => ops.sum(l2Loss(a, t)))(p)
    vals(g).forEach((v, i) => expect(v).toBeCloseTo(p.data[i]! - t.data[i]!, 15))
  })

  test.prop([fc.double({ min: -1e3, max: 1e3, noNaN: true })])('grad of ½(p − 1)² at p is p − 1', (p) => {
    expect(grad((x) => l2Loss(x, 1))(p)).toBeCloseTo(p - 1, 10)
  })
})
