import { describe, expect, it } from 'vitest'
import { DescentError, applyUpdates, keepParamsNonnegative, tensor } from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

describe('keepParamsNonnegative', () => {
  it('replaces steps that would go below 0 by −θ (golden, several steps)', () => {
    // θ = (1, 2, 0, 3), u = (−2, −1, −5, 1e30): θ+u = (−1, 1, −5, …) → u' = (−1, −1, 0, 1e30).
    const tx = keepParamsNonnegative()
    let params = { w: tensor([1, 2, 0, 3], 'float64'), n: 0.5 }
    const [u1] = tx.update({ w: tensor([-2, -1, -5, 1e30], 'float64'), n: -1 }, tx.init(params), params)
    expect(u1.w.toArray()).toEqual([-1, -1, -0, 1e30])
    expect(u1.n).toBe(-0.5)
    params = applyUpdates(params, u1)
    expect(params.w.toArray()).toEqual([0, 1, 0, 1e30])
    // Step 2: positive and zero steps pass.
    const [u2] = tx.update({ w: tensor([0, 0.5, 2, -1], 'float64'), n: 0 }, {}, params)
    expect(u2.w.toArray()).toEqual([0, 0.5, 2, -1])
  })

  it('keeps dtype, leaves inputs alone, needs params', () => {
    const params = [tensor([1, 1])]
    const g = [tensor([-3, 0.5])]
    const [u] = expectInputsUnchanged(() => keepParamsNonnegative().update(g, {}, params), g, params)
    expect(u[0]!.dtype).toBe('float32')
    expect(u[0]!.toArray()).toEqual([-1, 0.5])
    expect(() => keepParamsNonnegative().update(g, {})).toThrow(DescentError)
  })
})
