import { describe, expect, it } from 'vitest'
import { contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('scaleByAdemamix', () => {
  it('two steps by hand (b3 0.5, α 2, ε 0)', () => {
    const tx = contrib.scaleByAdemamix({ b3: 0.5, alpha: 2, eps: 0 })
    const [u1, s1] = tx.update(f64([1]), tx.init(f64([0])))
    // m₁ = 0.1, m₂ = 0.5, v = 0.001: (0.1/0.1 + 2·0.5)/√(0.001/0.001) = 2
    near(u1, f64([2]), 1e-14)
    const [u2, s2] = tx.update(f64([-2]), s1)
    const m1 = 0.9 * 0.1 + 0.1 * -2
    const m2 = 0.5 * 0.5 + 0.5 * -2
    const v = 0.999 * 0.001 + 0.001 * 4
    near(u2, f64([(m1 / (1 - 0.9 ** 2) + 2 * m2) / Math.sqrt(v / (1 - 0.999 ** 2))]), 1e-13)
    expect([s2.count, s2.countM2]).toEqual([2, 2])
  })

  it('b3 and alpha schedules are read at countM2', () => {
    const seen: number[] = []
    const alpha = (c: number) => (seen.push(c), c === 0 ? 0 : 1)
    const tx = contrib.scaleByAdemamix({ b3: (c) => (c === 0 ? 0 : 0.5), alpha, eps: 0 })
    const [u1, s1] = tx.update(f64([1]), tx.init(f64([0])))
    near(u1, f64([1]), 1e-14) // α(0) = 0: Adam's first step
    near(s1.m2, f64([1]), 0) // β₃(0) = 0: m₂ = g
    tx.update(f64([1]), s1)
    expect(seen).toEqual([0, 1])
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.scaleByAdemamix({ b1: 1 })).toThrow('scaleByAdemamix options.b1 must be in [0, 1); got 1')
    expect(() => contrib.ademamix(0.1, { b3: 2 })).toThrow(/options\.b3 must be in \[0, 1\]/)
  })
})

describe('ademamix', () => {
  it('alpha defaults to 5 and the weight decay is decoupled: u = −lr·(û + λθ)', () => {
    const opt = contrib.ademamix(0.1, { weightDecay: 0.5, eps: 0 })
    const p = f64([2])
    const [u] = opt.update(f64([3]), opt.init(p), p)
    // m₁ = 0.3, m₂ = 3e-4, v̂ = 9: (3 + 5·3e-4)/3 + 0.5·2
    near(u, f64([-0.1 * ((3 + 5 * 0.0003) / 3 + 1)]), 1e-13)
  })

  it('converges on a quadratic', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(
      contrib.ademamix((t) => 0.05 / (1 + 0.02 * t), { b3: 0.99 }),
      f64([1, -2]),
      grad,
      800,
    )
    expect(tree.norm(params)).toBeLessThan(0.05)
  })
})

describe('scaleBySimplifiedAdemamix', () => {
  it('two steps by hand (b1 0.5, b2 0.5, α 1, ε 0): m has no (1−β₁) factor', () => {
    const tx = contrib.scaleBySimplifiedAdemamix({ b1: 0.5, b2: 0.5, alpha: 1, eps: 0 })
    const [u1, s1] = tx.update(f64([2]), tx.init(f64([0])))
    near(u1, f64([2]), 1e-15) // m = 2, n̂ = 2/0.5 = 4: (2 + 2)/2
    const [u2, s2] = tx.update(f64([-1]), s1)
    near(s2.m, f64([0]), 0) // −1 + 0.5·2
    near(u2, f64([-1 / Math.sqrt(1.5 / 0.75)]), 1e-15)
  })
})

describe('simplifiedAdemamix', () => {
  it('converges on a quadratic', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const opt = contrib.simplifiedAdemamix((t) => 0.005 / (1 + 0.02 * t), { b1: 0.9 })
    const { params } = runSteps(opt, f64([1, -2]), grad, 800)
    expect(tree.norm(params)).toBeLessThan(0.05)
  })
})
