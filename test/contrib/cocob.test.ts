import { describe, expect, it } from 'vitest'
import { applyUpdates, contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('cocob', () => {
  it('two steps by hand (α 100, ε 1e-8) on f = ½x² from x₀ = 1', () => {
    const opt = contrib.cocob()
    const x0 = 1
    const [u1, s1] = opt.update(f64([x0]), opt.init(f64([x0])), f64([x0]))
    // g = 1: L = 1, G = 1, R = max(0 − 1·0, 0) = 0, C = −1 → x₁ = 1 − 1/(1·max(2, 100))·1
    const x1 = x0 + (-1 / 100) * 1
    near(u1, f64([x1 - x0]), 1e-15)
    const [u2] = opt.update(f64([x1]), s1, f64([x1]))
    const L = Math.max(1, Math.abs(x1))
    const G = 1 + Math.abs(x1)
    const R = Math.max(0 - x1 * (x1 - x0), 0)
    const C = -1 - x1
    const x2 = x0 + (C / (L * Math.max(G + L, 100 * L))) * (L + R)
    near(applyUpdates(f64([x1]), u2), f64([x2]), 1e-15)
  })

  it('converges on a quadratic without a learning rate', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(contrib.cocob(), f64([1, -2]), grad, 1000)
    expect(tree.norm(params)).toBeLessThan(0.1)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.cocob(1, { alpha: 0 })).toThrow('scaleByCocob options.alpha must be in (0, Infinity); got 0')
  })
})
