import { describe, expect, it } from 'vitest'
import { HyperparameterError, normalizeByUpdateNorm, tensor, tree } from '../../src/index'
import { expectInputsUnchanged, expectTreesClose } from '../_helpers/assertions'

describe('normalizeByUpdateNorm', () => {
  it('divides by (‖g‖ + eps)/scaleFactor over the whole tree (golden, several steps)', () => {
    // Step 1: ‖(3, −4)‖ = 5; scale −2, eps 1e-6: u = g·(−2)/(5 + 1e-6).
    // Step 2: ‖(0, 0, 12)‖ = 12 → g·(−2)/(12 + 1e-6). Step 3: zero gradient stays 0.
    const tx = normalizeByUpdateNorm({ scaleFactor: -2 })
    for (const [a, b] of [
      [[3], -4],
      [[0, 0], 12],
      [[0], 0],
    ] as const) {
      const g = { a: tensor([...a], 'float64'), b }
      const n = Math.hypot(...a, b)
      const [u, s] = tx.update(g, tx.init(g))
      expectTreesClose(
        u,
        {
          a: tensor(
            a.map((x) => (x * -2) / (n + 1e-6)),
            'float64',
          ),
          b: (b * -2) / (n + 1e-6),
        },
        { rtol: 1e-14, atol: 0 },
      )
      expect(s).toEqual({})
    }
  })

  it('gives norm ≈ 1 for large gradients, keeps dtype, leaves inputs alone', () => {
    const g = { w: tensor([1e20, -1e20, 1e20]) }
    const [u] = expectInputsUnchanged(() => normalizeByUpdateNorm().update(g, {}), g)
    expect(u.w.dtype).toBe('float32')
    expect(tree.norm(u)).toBeCloseTo(1, 6)
  })

  it('rejects invalid options', () => {
    expect(() => normalizeByUpdateNorm({ eps: -1 })).toThrow(
      'normalizeByUpdateNorm options.eps must be in [0, Infinity); got -1',
    )
    expect(() => normalizeByUpdateNorm({ scaleFactor: Infinity })).toThrow(HyperparameterError)
  })
})
