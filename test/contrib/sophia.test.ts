import { describe, expect, it } from 'vitest'
import { type Tensor, contrib, mul, ops, stateless, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')
/** A Hessian "estimator" returning the constant diagonal d (to test Sophia's own arithmetic). */
const constantDiag = (d: number) => stateless((u) => tree.mapElementwise(() => d, u))

describe('hutchinsonEstimatorDiagHessian', () => {
  it('is exact for a diagonal Hessian: v ⊙ (diag(a)·v) = a since v² = 1', () => {
    const a = f64([1, 4, 9])
    const f = (x: Tensor) => ops.sum(mul(a, mul(x, x)))
    const tx = contrib.hutchinsonEstimatorDiagHessian({ key: 5 })
    const x = f64([0.5, -1, 2])
    const [d, s] = tx.update(x, tx.init(x), x, { objFn: f })
    near(d, f64([2, 8, 18]), 1e-12)
    expect(s.key).not.toEqual(tx.init(x).key)
  })

  it('for f = x₀x₁ (H = [[0,1],[1,0]]) both estimates are v₀v₁ = ±1; the same key gives the same draw', () => {
    const f = (x: Tensor) => ops.sum(mul(ops.slice(x, [0], [1]), ops.slice(x, [1], [1])))
    const tx = contrib.hutchinsonEstimatorDiagHessian({ key: 11 })
    const x = f64([0.3, 0.7])
    const [d1] = tx.update(x, tx.init(x), x, { objFn: f })
    const [d2] = tx.update(x, tx.init(x), x, { objFn: f })
    const [e0, e1] = d1.toArray() as number[]
    expect(Math.abs(e0!)).toBe(1)
    expect(e1).toBe(e0)
    near(d2, d1, 0)
  })

  it('needs objFn and params', () => {
    const tx = contrib.hutchinsonEstimatorDiagHessian()
    const x = f64([1])
    expect(() => tx.update(x, tx.init(x), x)).toThrow(/objFn/)
    expect(() => tx.update(x, tx.init(x))).toThrow(/needs the params/)
  })
})

describe('scaleBySophia', () => {
  it('three steps by hand (constant diagonal 5, updateInterval 2, γ 10, clip 1 binding only at step 1)', () => {
    const [b1, b2, gamma] = [0.965, 0.99, 10]
    const tx = contrib.scaleBySophia({ gamma, updateInterval: 2, hessianDiagonalFn: constantDiag(5) })
    const x = f64([0])
    const [u1, s1] = tx.update(f64([0.5]), tx.init(x), x)
    near(u1, f64([1]), 0) // h₀ = 0: clip(g/ε) = +1
    near(s1.nu, f64([(1 - b2) * 5]), 1e-15) // count 0 % 2 = 0: h updated
    const [u2, s2] = tx.update(f64([-0.2]), s1, x)
    const m2 = b1 * (1 - b1) * 0.5 + (1 - b1) * -0.2
    const u2Expected = m2 / (1 - b1 ** 2) / (gamma * (1 - b2) * 5)
    expect(Math.abs(u2Expected)).toBeLessThan(1)
    near(u2, f64([u2Expected]), 1e-14)
    near(s2.nu, s1.nu, 0) // count 1: no Hessian update
    const [, s3] = tx.update(f64([0.1]), s2, x)
    near(s3.nu, f64([b2 * (1 - b2) * 5 + (1 - b2) * 5]), 1e-15)
  })

  it('clipThreshold null turns the clip off', () => {
    const tx = contrib.scaleBySophia({ clipThreshold: null, eps: 0.5, hessianDiagonalFn: constantDiag(1) })
    const x = f64([0])
    const [u] = tx.update(f64([3]), tx.init(x), x)
    near(u, f64([3 / 0.5]), 1e-15)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.scaleBySophia({ updateInterval: 0 })).toThrow(/updateInterval/)
    expect(() => contrib.sophia(0.1, { gamma: 0 })).toThrow(
      'scaleBySophia options.gamma must be in (0, Infinity); got 0',
    )
  })
})

describe('sophia', () => {
  it('default weight decay 1e-4, decoupled: u = −α·(clip(·) + λθ)', () => {
    const opt = contrib.sophia(0.1, { hessianDiagonalFn: constantDiag(1) })
    const x = f64([2])
    const [u] = opt.update(f64([1]), opt.init(x), x)
    near(u, f64([-0.1 * (1 + 1e-4 * 2)]), 1e-15)
  })

  it('converges on an ill-conditioned quadratic with the Hutchinson estimator (Sophia-H)', () => {
    const a = f64([1, 100])
    const f = (x: Tensor) => ops.sum(mul(a, mul(x, x)))
    const grad = (p: unknown) => tree.mul(tree.scale(2, a), p as Tensor)
    const opt = contrib.sophia(0.5, { gamma: 1, updateInterval: 1, weightDecay: 0 })
    const { params } = runSteps(opt, f64([1, -2]), grad, 600, () => ({ objFn: f }))
    expect(tree.norm(params)).toBeLessThan(1e-3)
  })
})
