import { describe, expect, it } from 'vitest'
import { DescentError, scaleByParamBlockNorm, tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('scaleByParamBlockNorm', () => {
  it('multiplies each leaf by the L2 (Frobenius) norm of its param, floored at minScale (golden)', () => {
    // w: ‖[[1, 2], [2, 4]]‖ = √25 = 5. b: θ = 0 → 1e-3.
    const tx = scaleByParamBlockNorm()
    const params = {
      w: tensor(
        [
          [1, 2],
          [2, 4],
        ],
        'float64',
      ),
      b: tensor([0], 'float64'),
    }
    const [u] = tx.update(
      {
        w: tensor(
          [
            [1, -1],
            [0, -3],
          ],
          'float64',
        ),
        b: tensor([-7], 'float64'),
      },
      tx.init(params),
      params,
    )
    expectTreesClose(
      u,
      {
        w: tensor(
          [
            [5, -5],
            [0, -15],
          ],
          'float64',
        ),
        b: tensor([-7e-3], 'float64'),
      },
      { rtol: 1e-15 },
    )
  })

  it('keeps float32, leaves inputs alone, needs params, validates minScale', () => {
    const params = [tensor([3, 4])]
    const g = [tensor([1, 0.5])]
    const [u] = expectInputsUnchanged(() => scaleByParamBlockNorm({ minScale: 0 }).update(g, {}, params), g, params)
    expect(u[0]!.dtype).toBe('float32')
    expect(u[0]!.toArray()).toEqual([5, 2.5])
    expect(() => scaleByParamBlockNorm().update(g, {})).toThrow(DescentError)
    expect(() => scaleByParamBlockNorm({ minScale: Infinity })).toThrow(
      'scaleByParamBlockNorm options.minScale must be in [0, Infinity); got Infinity',
    )
  })
})
