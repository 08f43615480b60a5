import { describe, expect, it } from 'vitest'
import { centralize, tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('centralize', () => {
  it('subtracts the mean over axes 1..n−1 from leaves of rank ≥ 2 (golden, mixed signs)', () => {
    // m: row means 2 and −1. t (2×2×2): slice means (1+2+3+4)/4 = 2.5 and (−8+0+0+0)/4 = −2.
    const tx = centralize()
    const g = {
      m: tensor(
        [
          [1, 2, 3],
          [-3, 0, 0],
        ],
        'float64',
      ),
      t: tensor(
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [-8, 0],
            [0, 0],
          ],
        ],
        'float64',
      ),
      v: tensor([5, -5], 'float64'),
      s: 3,
    }
    const [u, s] = tx.update(g, tx.init(g))
    expectTreesClose(
      u,
      {
        m: tensor(
          [
            [-1, 0, 1],
            [-2, 1, 1],
          ],
          'float64',
        ),
        t: tensor(
          [
            [
              [-1.5, -0.5],
              [0.5, 1.5],
            ],
            [
              [-6, 2],
              [2, 2],
            ],
          ],
          'float64',
        ),
        v: tensor([5, -5], 'float64'),
        s: 3,
      },
      { rtol: 1e-15, atol: 0 },
    )
    expect(s).toEqual({})
  })

  it('zero and large gradients; keeps dtype; inputs unchanged', () => {
    const g = {
      w: tensor([
        [1e30, 1e30],
        [0, 0],
      ]),
    }
    const [u] = expectInputsUnchanged(() => centralize().update(g, {}), g)
    expect(u.w.dtype).toBe('float32')
    expect(u.w.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ])
    expect(centralize().update([tensor([[2, 4]], 'float64')], {})[0][0]!.dtype).toBe('float64')
  })
})
