import { describe, expect, it } from 'vitest'
import { DescentError, HyperparameterError, scaleByParamBlockRms, tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('scaleByParamBlockRms', () => {
  it('multiplies each leaf by the RMS of its param, floored at minScale (golden)', () => {
    // w: θ = (1, −2, 2, 4): rms = √(25/4) = 2.5. b: θ = 0 → floor 1e-3. n: θ = −3 → rms 3.
    const tx = scaleByParamBlockRms()
    const params = { w: tensor([1, -2, 2, 4], 'float64'), b: tensor([0, 0], 'float64'), n: -3 }
    const [u] = tx.update(
      { w: tensor([1, -1, 0, 1e20], 'float64'), b: tensor([5, -6], 'float64'), n: 2 },
      tx.init(params),
      params,
    )
    expectTreesClose(
      u,
      { w: tensor([2.5, -2.5, 0, 2.5e20], 'float64'), b: tensor([5e-3, -6e-3], 'float64'), n: 6 },
      { rtol: 1e-15 },
    )
  })

  it('uses the custom floor, keeps the dtype, leaves the inputs alone', () => {
    const params = { w: tensor([0, 0]) }
    const g = { w: tensor([1, -2]) }
    const [u] = expectInputsUnchanged(() => scaleByParamBlockRms({ minScale: 0.5 }).update(g, {}, params), g, params)
    expect(u.w.dtype).toBe('float32')
    expect(u.w.toArray()).toEqual([0.5, -1])
  })

  it('needs params; rejects invalid options', () => {
    expect(() => scaleByParamBlockRms().update([1], {})).toThrow(DescentError)
    expect(() => scaleByParamBlockRms({ minScale: -1 })).toThrow(
      'scaleByParamBlockRms options.minScale must be in [0, Infinity); got -1',
    )
    expect(() => scaleByParamBlockRms({ minScale: NaN })).toThrow(HyperparameterError)
  })
})
