import { describe, expect, it } from 'vitest'
import { applyUpdates, contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('dog', () => {
  it('two steps by hand with the heuristic r_ε = α(1 + ‖x₀‖) on f = ½‖x‖²', () => {
    const opt = contrib.dog()
    const x0 = f64([3, 4])
    const [u1, s1] = opt.update(x0, opt.init(x0), x0)
    const eta1 = (1e-6 * 6) / Math.sqrt(25 + 1e-8)
    near(u1, f64([-eta1 * 3, -eta1 * 4]), 1e-18)
    const x1 = applyUpdates(x0, u1)
    const [u2] = opt.update(x1, s1, x1)
    const r = Math.max(6e-6, 5 * eta1) // ‖x₁ − x₀‖ = 5·η₁
    const G = 25 + 25 * (1 - eta1) ** 2
    const eta2 = r / Math.sqrt(G + 1e-8)
    near(u2, f64([-eta2 * 3 * (1 - eta1), -eta2 * 4 * (1 - eta1)]), 1e-18)
  })

  it("initStep ['learningRate', η₀] sets the first step size, then the distance rule takes over", () => {
    const opt = contrib.dog(1, { initStep: ['learningRate', 0.1], eps: 0 })
    const x0 = f64([3, 4])
    const [u1, s1] = opt.update(x0, opt.init(x0), x0)
    near(u1, f64([-0.3, -0.4]), 1e-15)
    const x1 = applyUpdates(x0, u1) // 0.9·x₀, ‖x₁ − x₀‖ = 0.5
    const [u2] = opt.update(x1, s1, x1)
    const eta2 = 0.5 / Math.sqrt(25 + 25 * 0.81)
    near(u2, f64([-eta2 * 2.7, -eta2 * 3.6]), 1e-15)
  })

  it('converges on a quadratic without a learning rate', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const at = (steps: number) => tree.norm(runSteps(contrib.dog(), f64([1, -2]), grad, steps).params)
    // η_t = r̄/√(Σ‖g‖²) shrinks as the gradients add up, so the last iterate approaches slowly (hence averaging).
    expect(at(300)).toBeLessThan(0.1)
    expect(at(1200)).toBeLessThan(at(300) / 2)
  })

  it('rejects an unknown initStep', () => {
    expect(() => contrib.dog(1, { initStep: ['lr' as never, 1] })).toThrow(/initStep\[0\]/)
    expect(() => contrib.scaleByDog({ initStep: ['distance', 0] })).toThrow(/initStep\[1\]/)
  })
})

describe('dowg', () => {
  it('two steps by hand (r̄²₀ = ε = 1e-4) on f = ½‖x‖²', () => {
    const eps = 1e-4
    const opt = contrib.dowg()
    const x0 = f64([3, 4])
    const [u1, s1] = opt.update(x0, opt.init(x0), x0)
    const v1 = eps * 25
    const eta1 = eps / (Math.sqrt(v1) + eps)
    near(u1, f64([-eta1 * 3, -eta1 * 4]), 1e-17)
    const x1 = applyUpdates(x0, u1)
    const [u2] = opt.update(x1, s1, x1)
    const r2 = Math.max(eps, (5 * eta1) ** 2)
    const v2 = v1 + r2 * 25 * (1 - eta1) ** 2
    const eta2 = r2 / (Math.sqrt(v2) + eps)
    near(u2, f64([-eta2 * 3 * (1 - eta1), -eta2 * 4 * (1 - eta1)]), 1e-17)
  })

  it('converges on a quadratic without a learning rate', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(contrib.dowg(), f64([1, -2]), grad, 300)
    expect(tree.norm(params)).toBeLessThan(0.01)
  })
})
