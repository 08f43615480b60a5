import { describe, expect, it } from 'vitest'
import { DescentError, HyperparameterError, ShapeError, adaptiveGradClip, tensor, zeros } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('adaptiveGradClip', () => {
  it('clips rank-2 leaves per column (axis 0), vectors as a whole (golden)', () => {
    // clipping 0.5, eps 1e-3. w columns: θ norms 5 and 0 (→ eps): limits 2.5 and 5e-4.
    //   g column norms: √(0² + 10²) = 10 ≥ 2.5 → ×2.5/10; (−3, 4): 5 ≥ 5e-4 → ×5e-4/5.
    // b: θ norm 2 → limit 1; g norm 0.6 < 1 → unchanged.
    const tx = adaptiveGradClip(0.5)
    const params = {
      w: tensor(
        [
          [3, 0],
          [4, 0],
        ],
        'float64',
      ),
      b: tensor([0, 2], 'float64'),
    }
    const g = {
      w: tensor(
        [
          [0, -3],
          [10, 4],
        ],
        'float64',
      ),
      b: tensor([0.6, 0], 'float64'),
    }
    const [u, s] = tx.update(g, tx.init(params), params)
    expectTreesClose(
      u,
      {
        w: tensor(
          [
            [0, -3e-4],
            [2.5, 4e-4],
          ],
          'float64',
        ),
        b: tensor([0.6, 0], 'float64'),
      },
      { rtol: 1e-14, atol: 0 },
    )
    expect(s).toEqual({})
  })

  it('uses axes (0,1,2) for rank 4, a custom axis, whole size-1-squeezed leaves and numbers', () => {
    // Rank 4, shape [1,1,2,2]: units are the last axis: θ columns (1, 1) norm √2, g columns (3, 4) norm 5.
    const p4 = tensor(
      [
        [
          [
            [1, 0],
            [1, 0],
          ],
        ],
      ],
      'float64',
    )
    const g4 = tensor(
      [
        [
          [
            [3, 1e-9],
            [4, 0],
          ],
        ],
      ],
      'float64',
    )
    const [u4] = adaptiveGradClip({ clipping: 1 }).update([g4], {}, [p4])
    const lim = Math.SQRT2
    expectTreesClose(
      u4,
      [
        tensor(
          [
            [
              [
                [(3 * lim) / 5, 1e-9],
                [(4 * lim) / 5, 0],
              ],
            ],
          ],
          'float64',
        ),
      ],
      { rtol: 1e-14, atol: 0 },
    )
    // axis: 1 on a 2×2 leaf: units are rows.
    const [ur] = adaptiveGradClip(1, { axis: -1 }).update(
      [
        tensor(
          [
            [6, 8],
            [0.1, 0],
          ],
          'float64',
        ),
      ],
      {},
      [
        tensor(
          [
            [1, 0],
            [1, 0],
          ],
          'float64',
        ),
      ],
    )
    expectTreesClose(
      ur,
      [
        tensor(
          [
            [0.6, 0.8],
            [0.1, 0],
          ],
          'float64',
        ),
      ],
      { rtol: 1e-14, atol: 0 },
    )
    // [1, 3] is treated as a vector; a number leaf is its own unit.
    const [uv] = adaptiveGradClip(1).update(
      { v: tensor([[0, 3, 4]], 'float64'), n: -4 },
      {},
      { v: tensor([[1, 0, 0]], 'float64'), n: 2 },
    )
    expectTreesClose(uv, { v: tensor([[0, 0.6, 0.8]], 'float64'), n: -2 }, { rtol: 1e-14, atol: 0 })
  })

  it('zero gradients pass; huge gradients are clipped to finite values; dtype kept; inputs unchanged', () => {
    const params = {
      w: tensor([
        [1, 1],
        [1, 1],
      ]),
    }
    const g = {
      w: tensor([
        [1e30, 0],
        [0, 0],
      ]),
    }
    const [u] = expectInputsUnchanged(() => adaptiveGradClip(0.1).update(g, {}, params), g, params)
    expect(u.w.dtype).toBe('float32')
    expectTreesClose(
      u.w,
      tensor([
        [0.1 * Math.SQRT2, 0],
        [0, 0],
      ]),
      { rtol: 1e-6 },
    )
    const [z] = adaptiveGradClip(0.1).update({ w: zeros([2, 2]) }, {}, params)
    expect(z.w.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ])
  })

  it('needs params; errors for rank > 5 without axis; rejects invalid options', () => {
    expect(() => adaptiveGradClip(1).update([1], {})).toThrow(DescentError)
    const big = zeros([2, 2, 2, 2, 2, 2])
    expect(() => adaptiveGradClip(1).update([big], {}, [big])).toThrow(ShapeError)
    expect(() => adaptiveGradClip(-1)).toThrow('adaptiveGradClip clipping must be in [0, Infinity); got -1')
    expect(() => adaptiveGradClip({ clipping: 1, eps: -1 })).toThrow(
      'adaptiveGradClip options.eps must be in [0, Infinity); got -1',
    )
    expect(() => adaptiveGradClip(1, { axis: 0.5 })).toThrow(HyperparameterError)
  })
})
