import { describe, expect, it } from 'vitest'
import { DescentError, HyperparameterError, scaleByTrustRatio, tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('scaleByTrustRatio', () => {
  it('rescales each leaf by coefficient·‖θ‖/(‖u‖ + eps) (golden, mixed signs)', () => {
    // a: ‖θ‖ = 5, ‖u‖ = ‖(−1, 2, −2)‖ = 3, ratio = 0.5·5/(3 + 1) = 0.625.
    // b: ‖θ‖ = 2, ‖u‖ = 4 → 0.5·2/(4 + 1) = 0.2.
    const tx = scaleByTrustRatio({ trustCoefficient: 0.5, eps: 1 })
    const params = { a: tensor([3, 0, -4], 'float64'), b: -2 }
    const [u, s] = tx.update({ a: tensor([-1, 2, -2], 'float64'), b: 4 }, tx.init(params), params)
    expectTreesClose(u, { a: tensor([-0.625, 1.25, -1.25], 'float64'), b: 0.8 }, { rtol: 1e-15 })
    expect(s).toEqual({})
  })

  it('uses ratio 1 when either norm is 0 and floors both norms at minNorm', () => {
    const tx = scaleByTrustRatio()
    const params = { z: tensor([0, 0]), w: tensor([3, 4]) }
    const [u] = tx.update({ z: tensor([1, -2]), w: tensor([0, 0]) }, {}, params)
    expect(u.z.toArray()).toEqual([1, -2])
    expect(u.w.toArray()).toEqual([0, 0])
    // minNorm 1: ‖θ‖ = 0 → 1, ‖u‖ = 0.5 → 1: ratio 1/1.
    const [v] = scaleByTrustRatio({ minNorm: 1 }).update([tensor([0.3, 0.4])], {}, [tensor([0, 0])])
    expectTreesClose(v, [tensor([0.3, 0.4])], { rtol: 1e-7 })
  })

  it('handles huge updates and keeps the dtype; inputs unchanged', () => {
    const params = [tensor([1, 0])]
    const g = [tensor([1e30, 0])]
    const [u] = expectInputsUnchanged(() => scaleByTrustRatio().update(g, {}, params), g, params)
    expect(u[0]!.dtype).toBe('float32')
    expect(u[0]!.toArray()).toEqual([1, 0])
  })

  it('needs params; rejects invalid options', () => {
    expect(() => scaleByTrustRatio().update([1], {})).toThrow(DescentError)
    expect(() => scaleByTrustRatio({ minNorm: -1 })).toThrow(
      'scaleByTrustRatio options.minNorm must be in [0, Infinity); got -1',
    )
    expect(() => scaleByTrustRatio({ eps: -1 })).toThrow(
      'scaleByTrustRatio options.eps must be in [0, Infinity); got -1',
    )
    expect(() => scaleByTrustRatio({ trustCoefficient: NaN })).toThrow(HyperparameterError)
  })
})
