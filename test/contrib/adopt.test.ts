import { describe, expect, it } from 'vitest'
import { chain, contrib, scaleByLearningRate, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('scaleByAdopt', () => {
  it('three steps by hand: u₀ = 0 (v ← g₀²), then the clipped, normalised momentum', () => {
    const [b1, b2] = [0.9, 0.9999]
    const tx = contrib.scaleByAdopt()
    const [u0, s1] = tx.update(f64([2]), tx.init(f64([0])))
    near(u0, f64([0]), 0)
    near(s1.nu, f64([4]), 0)
    const [u1, s2] = tx.update(f64([-1]), s1)
    const m1 = (1 - b1) * (-1 / 2) // clip value 1^¼ = 1 does not bind
    near(u1, f64([m1]), 1e-15)
    const v1 = b2 * 4 + (1 - b2) * 1
    const [u2, s3] = tx.update(f64([4]), s2)
    const n2 = Math.min(2 ** 0.25, 4 / Math.sqrt(v1)) // 4/√v₁ ≈ 2 is clipped to 2^¼
    near(u2, f64([b1 * m1 + (1 - b1) * n2]), 1e-15)
    expect(s3.count).toBe(3)
  })

  it('nesterov: u = β₁·m + (1−β₁)·n; no clipping: n = g/max(√v, ε)', () => {
    const tx = contrib.scaleByAdopt({ nesterov: true, useClipping: false, b1: 0.5 })
    const [, s1] = tx.update(f64([0.5]), tx.init(f64([0])))
    const [u1] = tx.update(f64([3]), s1)
    const n = 3 / 0.5 // unclipped
    const m = 0.5 * n
    near(u1, f64([0.5 * m + 0.5 * n]), 1e-15)
  })

  it('eps bounds the normaliser below: g/max(√v, ε) when v = 0', () => {
    const tx = contrib.scaleByAdopt({ useClipping: false, eps: 0.5 })
    const [, s1] = tx.update(f64([0]), tx.init(f64([0])))
    const [u1] = tx.update(f64([1]), s1)
    near(u1, f64([0.1 * (1 / 0.5)]), 1e-15)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.scaleByAdopt({ b2: 1 })).toThrow('scaleByAdopt options.b2 must be in [0, 1); got 1')
    expect(() => contrib.adopt(Number.NaN)).toThrow(/learningRate/)
  })
})

describe('adopt', () => {
  it('is chain(scaleByAdopt, scaleByLearningRate)', () => {
    const a = contrib.adopt(0.1)
    const b = chain(contrib.scaleByAdopt(), scaleByLearningRate(0.1))
    const p = f64([1, 2])
    const [, sa] = a.update(f64([1, -2]), a.init(p), p)
    const [, sb] = b.update(f64([1, -2]), b.init(p), p)
    near(a.update(f64([3, 1]), sa, p)[0], b.update(f64([3, 1]), sb, p)[0], 0)
  })

  it('converges on a quadratic with β₂ = 0.5 (ADOPT converges for any β₂)', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(
      contrib.adopt((t) => 0.1 / Math.sqrt(1 + t), { b2: 0.5 }),
      f64([1, -2]),
      grad,
      500,
    )
    expect(tree.norm(params)).toBeLessThan(0.05)
  })
})
