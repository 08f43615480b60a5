import { describe, expect, it } from 'vitest'
import { type Tensor, grad, makePerturbedFun, mul, ops, prngKey, randomNormal, splitKey, tensor } from '../../src/index'

describe('makePerturbedFun', () => {
  it('its value is the mean of f(x + σz) over the split keys (normal noise, recomputed by hand)', () => {
    const x = tensor([0.3, -1], 'float64')
    const f = (v: Tensor) => ops.sum(mul(v, v))
    const pf = makePerturbedFun(f, { numSamples: 50, sigma: 0.5, noise: 'normal' })
    const keys = splitKey(prngKey(3), 50)
    const want =
      keys.reduce((s, k) => {
        const z = randomNormal(k, [2], { dtype: 'float64' }).data
        return s + (0.3 + 0.5 * z[0]!) ** 2 + (-1 + 0.5 * z[1]!) ** 2
      }, 0) / 50
    expect(pf(prngKey(3), x).item()).toBeCloseTo(want, 12)
  })

  it('its gradient estimates ∇E[f(x + σZ)]: 2x for f = Σx² (normal), and a for a linear f (Gumbel)', () => {
    const x = tensor([0.3, -1], 'float64')
    const sq = makePerturbedFun((v: Tensor) => ops.sum(mul(v, v)), { numSamples: 3000, sigma: 0.5, noise: 'normal' })
    const g = Array.from(grad((v: Tensor) => sq(prngKey(1), v))(x).data)
    expect(g[0]).toBeCloseTo(0.6, 0)
    expect(g[1]).toBeCloseTo(-2, 0)
    const a = tensor([2, -3], 'float64')
    const lin = makePerturbedFun((v: Tensor) => ops.sum(mul(v, a)), { numSamples: 3000, sigma: 0.2 })
    const gl = Array.from(grad((v: Tensor) => lin(prngKey(2), v))(x).data)
    expect(Math.abs(gl[0]! - 2)).toBeLessThan(0.3)
    expect(Math.abs(gl[1]! + 3)).toBeLessThan(0.3)
    expect(() => makePerturbedFun((v: Tensor) => v, { sigma: 0 })).toThrow(/sigma/)
  })
})
