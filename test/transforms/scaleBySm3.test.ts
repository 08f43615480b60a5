import { describe, expect, it } from 'vitest'
import { HyperparameterError, scaleBySm3, tensor, type Tensor } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

type M = number[][]

/** SM3 on one 2-D leaf, written independently in float64 from the paper/optax (b2 = 1: a = g² + min(row, col)). */
function sm3Reference(gs: readonly M[], b1: number, eps: number) {
  const n = gs[0]!.length
  const m = gs[0]![0]!.length
  let row = new Array<number>(n).fill(0)
  let col = new Array<number>(m).fill(0)
  let nu: M = gs[0]!.map((r) => r.map(() => 0))
  const out: { u: M; row: number[]; col: number[] }[] = []
  for (const g of gs) {
    const a = g.map((r, i) => r.map((x, j) => x * x + Math.min(row[i]!, col[j]!)))
    nu = g.map((r, i) =>
      r.map((x, j) => {
        const p = a[i]![j]! > 0 ? x / Math.sqrt(a[i]![j]! + eps) : 0
        return b1 * nu[i]![j]! + (1 - b1) * p
      }),
    )
    row = a.map((r) => Math.max(...r))
    col = a[0]!.map((_, j) => Math.max(...a.map((r) => r[j]!)))
    out.push({ u: nu, row, col })
  }
  return out
}

describe('scaleBySm3', () => {
  it('matches the per-axis cover recursion on a 2×3 leaf over 3 steps (mixed signs, a zero gradient step)', () => {
    const gs: M[] = [
      [
        [1, -2, 0],
        [3, 0.5, -1],
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
    const expected = sm3Reference(gs, 0.9, 1e-8)
    const tx = scaleBySm3()
    let state = tx.init({ w: tensor(gs[0]!, 'float64') })
    gs.forEach((g, t) => {
      const [u, s] = tx.update({ w: tensor(g, 'float64') }, state)
      const e = expected[t]!
      expectTreesClose(u, { w: tensor(e.u, 'float64') }, { rtol: 1e-13, atol: 1e-300 })
      const [row, col] = (s.mu as { w: Tensor[] }).w
      expectTreesClose([row!, col!], [tensor(e.row, 'float64'), tensor(e.col, 'float64')], { rtol: 1e-15 })
      expectTreesClose(s.nu, u, { rtol: 0 })
      state = s
    })
  })

  it('uses one full accumulator for rank < 2 and number leaves, with the b2 < 1 coefficient (golden)', () => {
    // b1 0, b2 0.5, eps 0: a₁ = 0.5·g₁², p = g/√a = sign(g)·√2; a₂ = 0.5·g₂² + 0.5·a₁.
    const tx = scaleBySm3({ b1: 0, b2: 0.5, eps: 0 })
    const p = { v: tensor([0, 0], 'float64'), n: 0 }
    const s0 = tx.init(p)
    expect(s0.mu).toEqual({ v: [tensor([0, 0], 'float64')], n: [0] })
    const [u1, s1] = tx.update({ v: tensor([2, -4], 'float64'), n: -1 }, s0)
    expectTreesClose(u1, { v: tensor([Math.SQRT2, -Math.SQRT2], 'float64'), n: -Math.SQRT2 }, { rtol: 1e-15 })
    const [u2] = tx.update({ v: tensor([0, 4], 'float64'), n: 0 }, s1)
    // v: a₂ = (0 + 1, 8 + 4) = (1, 12): p = (0, 4/√12). n: a₂ = 0 + 0.25 → p = 0.
    expectTreesClose(u2, { v: tensor([0, 4 / Math.sqrt(12)], 'float64'), n: 0 }, { rtol: 1e-15 })
  })

  it('a zero accumulator gives a zero update (no 0/0), large gradients stay finite; dtype kept; inputs unchanged', () => {
    const tx = scaleBySm3()
    const p = {
      w: tensor([
        [0, 0],
        [0, 0],
      ]),
    }
    const s = tx.init(p)
    const [z] = tx.update(
      {
        w: tensor([
          [0, 0],
          [0, 0],
        ]),
      },
      s,
    )
    expect(z.w.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ])
    const g = {
      w: tensor([
        [1e18, -1e18],
        [0, 1],
      ]),
    }
    const [u] = expectInputsUnchanged(() => tx.update(g, s), g, s)
    expect(u.w.dtype).toBe('float32')
    expectTreesClose(
      u.w,
      tensor([
        [0.1, -0.1],
        [0, 0.1],
      ]),
      { rtol: 1e-6 },
    )
  })

  it('rejects invalid options', () => {
    expect(() => scaleBySm3({ b1: 1.5 })).toThrow('scaleBySm3 options.b1 must be in [0, 1]; got 1.5')
    expect(() => scaleBySm3({ b2: -0.1 })).toThrow('scaleBySm3 options.b2 must be in [0, 1]; got -0.1')
    expect(() => scaleBySm3({ eps: NaN })).toThrow(HyperparameterError)
  })
})
