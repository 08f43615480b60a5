import { describe, expect, it } from 'vitest'
import { type Tensor, fisherDiag, hessianDiag, mul, ops, tanh, tensor } from '../../src/index'

describe('hessianDiag / fisherDiag', () => {
  // L(θ) = Σ tanh(θ·x)·y over a tree of two leaves; ∂²L/∂θᵢ² = −2 tanh(θᵢxᵢ)(1 − tanh²(θᵢxᵢ))·xᵢ²·yᵢ
  const x = tensor([0.5, -1, 2], 'float64')
  const y = tensor([1, 2, -1], 'float64')
  const loss = (p: { a: Tensor; b: Tensor }, xs: Tensor, ys: Tensor) =>
    ops.sum(mul(tanh(mul(ops.concat([p.a, p.b]), xs)), ys))
  const params = { a: tensor([0.3, -0.2], 'float64'), b: tensor([0.7], 'float64') }

  it('hessianDiag is the closed-form second derivative, raveled in leaf order', () => {
    const theta = [0.3, -0.2, 0.7]
    const want = theta.map((t, i) => {
      const th = Math.tanh(t * x.data[i]!)
      return -2 * th * (1 - th * th) * x.data[i]! ** 2 * y.data[i]!
    })
    const got = Array.from(hessianDiag(loss, params, x, y).data)
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 13))
  })

  it('fisherDiag is the squared gradient', () => {
    const theta = [0.3, -0.2, 0.7]
    const want = theta.map((t, i) => ((1 - Math.tanh(t * x.data[i]!) ** 2) * x.data[i]! * y.data[i]!) ** 2)
    const got = Array.from(fisherDiag(loss, params, x, y).data)
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 14))
  })
})
