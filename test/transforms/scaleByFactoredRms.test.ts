import { describe, expect, it } from 'vitest'
import { DescentError, HyperparameterError, scaleByFactoredRms, tensor, type Tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

type M = number[][]
const beta = (count: number, rate = 0.8, offset = 0) => 1 - (count - offset + 1) ** -rate

/**
 * Factored second moment of an n×m leaf with n < m (so d₀ = axis 1 is the largest, d₁ = axis 0), in float64:
 * R = EMA of row means of g² + ε (length n), C = EMA of column means (length m), u = g·√(mean(R)/R_i)/√C_j.
 */
function factoredReference(gs: readonly M[], eps: number) {
  const n = gs[0]!.length
  const m = gs[0]![0]!.length
  let R = new Array<number>(n).fill(0)
  let C = new Array<number>(m).fill(0)
  return gs.map((g, t) => {
    const b = beta(t)
    const sq = g.map((r) => r.map((x) => x * x + eps))
    R = R.map((r, i) => b * r + ((1 - b) * sq[i]!.reduce((a, x) => a + x, 0)) / m)
    C = C.map((c, j) => b * c + ((1 - b) * sq.reduce((a, r) => a + r[j]!, 0)) / n)
    const meanR = R.reduce((a, x) => a + x, 0) / n
    return {
      u: g.map((r, i) => r.map((x, j) => (x * Math.sqrt(meanR / R[i]!)) / Math.sqrt(C[j]!))),
      R: [...R],
      C: [...C],
    }
  })
}

describe('scaleByFactoredRms', () => {
  it('factored leaf (2×3, minDimSizeToFactor 2): matches the row/column recursion over 3 steps', () => {
    const gs: M[] = [
      [
        [1, -2, 0.5],
        [3, 0, -1],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
      [
        [-4, 1, 2],
        [0.25, -3, 5],
      ],
    ]
    const expected = factoredReference(gs, 1e-30)
    const tx = scaleByFactoredRms({ minDimSizeToFactor: 2 })
    const params = {
      w: tensor(
        [
          [1, 1, 1],
          [1, 1, 1],
        ],
        'float64',
      ),
    }
    let state = tx.init(params)
    expect((state.vRow as { w: Tensor }).w.shape).toEqual([2])
    expect((state.vCol as { w: Tensor }).w.shape).toEqual([3])
    expect((state.v as { w: Tensor }).w.shape).toEqual([1])
    gs.forEach((g, t) => {
      const [u, s] = tx.update({ w: tensor(g, 'float64') }, state, params)
      const e = expected[t]!
      expectTreesClose(u, { w: tensor(e.u, 'float64') }, { rtol: 1e-13, atol: 0 })
      expectTreesClose(s.vRow, { w: tensor(e.R, 'float64') }, { rtol: 1e-14 })
      expectTreesClose(s.vCol, { w: tensor(e.C, 'float64') }, { rtol: 1e-14 })
      expect(s.count).toBe(t + 1)
      state = s
    })
  })

  it('picks the two largest axes (ties to the lower index) on a rank-3 leaf', () => {
    // Shape [3, 2, 4]: d₁ = 0 (size 3), d₀ = 2 (size 4): vRow drops axis 2 → [3, 2], vCol drops axis 0 → [2, 4].
    const tx = scaleByFactoredRms({ minDimSizeToFactor: 3 })
    const s = tx.init({ w: tensor(new Float32Array(24), [3, 2, 4]), sq: tensor(new Float32Array(9), [3, 3]) })
    expect((s.vRow as { w: Tensor; sq: Tensor }).w.shape).toEqual([3, 2])
    expect((s.vCol as { w: Tensor; sq: Tensor }).w.shape).toEqual([2, 4])
    // [3, 3]: argsort gives [0, 1]: d₁ = 0, d₀ = 1: vRow keeps axis 0, vCol keeps axis 1 (both [3]).
    expect((s.vRow as { sq: Tensor }).sq.shape).toEqual([3])
  })

  it('unfactored leaves (rank < 2, small dims, numbers): v = EMA_β(g² + ε), u = g/√v (golden, decay schedule)', () => {
    // β₁ = 0: v₁ = g² + ε → u₁ = g/√(g² + ε). β₂ = 1 − 2^−0.8: v₂ = β₂·v₁ + (1−β₂)·(g₂² + ε).
    const tx = scaleByFactoredRms({ epsilon: 1e-4 })
    const params = {
      v: tensor([0, 0], 'float64'),
      m: tensor(
        [
          [0, 0],
          [0, 0],
        ],
        'float64',
      ),
      n: 0,
    }
    const s0 = tx.init(params)
    expect(s0.v).toEqual(params)
    const g1 = {
      v: tensor([2, 0], 'float64'),
      m: tensor(
        [
          [1, -1],
          [0, 3],
        ],
        'float64',
      ),
      n: -1,
    }
    const [u1, s1] = tx.update(g1, s0, params)
    const f1 = (x: number) => x / Math.sqrt(x * x + 1e-4)
    expectTreesClose(
      u1,
      {
        v: tensor([f1(2), 0], 'float64'),
        m: tensor(
          [
            [f1(1), f1(-1)],
            [0, f1(3)],
          ],
          'float64',
        ),
        n: f1(-1),
      },
      { rtol: 1e-15 },
    )
    const b = beta(1)
    const v2 = (x1: number, x2: number) => b * (x1 * x1 + 1e-4) + (1 - b) * (x2 * x2 + 1e-4)
    const [u2] = tx.update(
      {
        v: tensor([0, 4], 'float64'),
        m: tensor(
          [
            [0, 0],
            [0, 0],
          ],
          'float64',
        ),
        n: 1e10,
      },
      s1,
      params,
    )
    expectTreesClose(u2.v, tensor([0, 4 / Math.sqrt(v2(0, 4))], 'float64'), { rtol: 1e-14 })
    expect(u2.n).toBeCloseTo(1e10 / Math.sqrt(v2(-1, 1e10)), 10)
  })

  it('stepOffset, decayRate and decayRateFn set β', () => {
    const seen: number[][] = []
    const tx = scaleByFactoredRms({
      stepOffset: 2,
      decayRate: 0.5,
      decayRateFn: (step, rate) => (seen.push([step, rate]), 0),
    })
    tx.update([1], tx.init([0]), [0])
    expect(seen).toEqual([[-2, 0.5]])
  })

  it('keeps float32 for factored statistics and updates; inputs unchanged; needs params', () => {
    const tx = scaleByFactoredRms({ minDimSizeToFactor: 2 })
    const params = {
      w: tensor([
        [1, 2],
        [3, 4],
      ]),
    }
    // Large but representable: g² = 1e30 fits in float32 (statistics are stored in the params' dtype, as in optax,
    // so gradients above ~1.8e19 overflow float32 statistics there too).
    const g = {
      w: tensor([
        [1e15, -1],
        [0, 2],
      ]),
    }
    const s = tx.init(params)
    const [u, s1] = expectInputsUnchanged(() => tx.update(g, s, params), g, s, params)
    expect(u.w.dtype).toBe('float32')
    expect((s1.vRow as { w: Tensor }).w.dtype).toBe('float32')
    expect(Array.from(u.w.data).every(Number.isFinite)).toBe(true)
    expect(() => tx.update(g, s)).toThrow(DescentError)
  })

  it('rejects invalid options', () => {
    expect(() => scaleByFactoredRms({ minDimSizeToFactor: 1.5 })).toThrow(
      'scaleByFactoredRms options.minDimSizeToFactor must be an integer in [0, Infinity); got 1.5',
    )
    expect(() => scaleByFactoredRms({ epsilon: -1 })).toThrow(
      'scaleByFactoredRms options.epsilon must be in [0, Infinity); got -1',
    )
    expect(() => scaleByFactoredRms({ stepOffset: -1 })).toThrow(HyperparameterError)
    expect(() => scaleByFactoredRms({ factored: 1 as never })).toThrow(HyperparameterError)
  })
})
