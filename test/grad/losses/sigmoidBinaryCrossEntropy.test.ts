import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { type Tensor, grad, ops, sigmoidBinaryCrossEntropy as bce, tensor } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, vals } from '../_numeric'

const sigma = (x: number): number => 1 / (1 + Math.exp(-x))

describe('sigmoidBinaryCrossEntropy', () => {
  it('is log 2 at logit 0 for any label', () => {
    // σ(0) = ½: −y·log ½ − (1 − y)·log ½ = log 2
    expect(bce(tensor([0, 0, 0], 'float64'), tensor([0, 0.3, 1], 'float64')).toArray()).toEqual([
      Math.LN2,
      Math.LN2,
      Math.LN2,
    ])
  })

  it('is −y·log σ(x) − (1 − y)·log(1 − σ(x)) element-wise (float64, independent recomputation)', () => {
    const r = rng(30)
    const x = randTensor(r, [3, 4], -5, 5)
    const y = randTensor(r, [3, 4], 0, 1)
    const l = bce(x, y)
    expect(l.shape).toEqual([3, 4])
    vals(l).forEach((v, i) => {
      const [xi, yi] = [x.data[i]!, y.data[i]!]
      expect(v).toBeCloseTo(-yi * Math.log(sigma(xi)) - (1 - yi) * Math.log(1 - sigma(xi)), 13)
    })
  })

  it('has gradient σ(x) − y with respect to the logits and −x with respect to the labels (float64)', () => {
    const r = rng(31)
    const x = randTensor(r, [6], -5, 5)
    const y = randTensor(r, [6], 0, 1)
    const [gx, gy] = grad((a: Tensor, b: Tensor) => ops.sum(bce(a, b)), { argnums: [0, 1] })(x, y)
    vals(gx).forEach((v, i) => expect(v).toBeCloseTo(sigma(x.data[i]!) - y.data[i]!, 15))
    // ∂/∂y [y·softplus(−x) + (1 − y)·softplus(x)] = softplus(−x) − softplus(x) = −x
    vals(gy).forEach((v, i) => expect(v).toBeCloseTo(-x.data[i]!, 13))
  })

  it('has second derivative σ(x)(1 − σ(x)) in x', () => {
    for (const x of [-3, -0.5, 0, 1, 4]) {
      expect(grad(grad((z) => bce(z, 0.7)))(x)).toBeCloseTo(sigma(x) * (1 - sigma(x)), 14)
    }
  })

  it('is finite and exact for logits ±1e4 in float32, values and gradients', () => {
    const x = tensor([1e4, -1e4, 1e4, -1e4])
    const y = tensor([1, 0, 0, 1])
    const l = bce(x, y)
    expect(l.dtype).toBe('float32')
    // confident and right: 0; confident and wrong: |x|
    expect(l.toArray()).toEqual([0, 0, 1e4, 1e4])
    expect(grad((a: Tensor) => ops.sum(bce(a, y)))(x).toArray()).toEqual([0, 0, 1, -1])
  })

  it('broadcasts labels, keeps the dtype and does not modify its inputs', () => {
    const x = tensor(
      [
        [1, -2],
        [3, 0],
      ],
      'float64',
    )
    const y = tensor([1, 0], 'float64')
    const l = expectInputsUnchanged(() => bce(x, y), x, y)
    expect(l.shape).toEqual([2, 2])
    expect(l.dtype).toBe('float64')
    expect(bce(tensor([2], 'float64'), 1).item()).toBeCloseTo(Math.log1p(Math.exp(-2)), 15)
  })

  test.prop([fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'gradient σ(x) − y for any logit and label (float64)',
    (x, y) => {
      expect(grad((z) => bce(z, y))(x)).toBeCloseTo(sigma(x) - y, 14)
    },
  )
})
