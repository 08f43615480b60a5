import { describe, expect, it } from 'vitest'
import { DescentError, type PyTree, contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')
const arr = (t: PyTree) => (t as ReturnType<typeof f64>).toArray() as number[]
const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i]!, 0)

// f(x) = ½(x₁² + 10·x₂²): ∇f = (x₁, 10·x₂), f* = 0.
const A = [1, 10]
const f = (x: number[]) =>
  0.5 *
  dot(
    A,
    x.map((xi) => xi * xi),
  )
const grad = (x: number[]) => x.map((xi, i) => A[i]! * xi)
const gradTree = (p: PyTree) => tree.mapElementwise((x, a) => a * x, p as never, f64(A))
const valueOf = (p: PyTree) => ({ value: f(arr(p)) })

describe('momo', () => {
  it('two steps by hand (β 0.9, α 1, f* 0): the first step is exactly a Polyak step', () => {
    const opt = contrib.momo()
    const x0 = [1, 1]
    const g0 = grad(x0) // (1, 10)
    // step 0: β₀ = 0, so d = g, f̄ = f = 5.5, γ = ⟨g, x⟩ = 11; h = f̄ − γ + ⟨d, x⟩ = 5.5, ‖d‖² = 101
    const tau0 = Math.min(1, 5.5 / 101)
    const x1 = x0.map((x, i) => x - tau0 * g0[i]!)
    const [u0, s1] = opt.update(f64(g0), opt.init(f64(x0)), f64(x0), { value: f(x0) })
    near(u0, f64(x1.map((x, i) => x - x0[i]!)), 1e-15)
    expect(s1[0].barf).toBe(5.5)
    expect(s1[0].gamma).toBe(11)
    // step 1: β = 0.9
    const g1 = grad(x1)
    const d = g0.map((g, i) => 0.9 * g + 0.1 * g1[i]!)
    const barf = 0.9 * 5.5 + 0.1 * f(x1)
    const gamma = 0.9 * 11 + 0.1 * dot(g1, x1)
    const h = barf - gamma + dot(d, x1)
    const tau1 = Math.min(1, Math.max(h, 0) / dot(d, d))
    expect(tau1).toBeLessThan(1) // the adaptive term, not the cap, sets this step
    const [u1] = opt.update(f64(g1), s1, f64(x1), { value: f(x1) })
    near(u1, f64(d.map((di) => -tau1 * di)), 1e-14)
  })

  it('the learning rate caps the step, and weight decay shrinks x by αλ/(1 + αλ)', () => {
    const [alpha, wd] = [0.01, 0.5]
    const x0 = [1, 1]
    const g0 = grad(x0)
    const opt = contrib.momo(alpha, { weightDecay: wd })
    const [u] = opt.update(f64(g0), opt.init(f64(x0)), f64(x0), { value: f(x0) })
    // h = (1 + αλ)·(5.5 − 11) + 11 = 5.4725; h/‖d‖² ≈ 0.054 > α, so τ = α
    const shrink = (alpha * wd) / (1 + alpha * wd)
    near(u, f64(x0.map((x, i) => -shrink * x - alpha * g0[i]!)), 1e-15)
  })

  it('adaptLowerBound: f* ← max(f̄ + ⟨d, x⟩ − γ − ½τ‖d‖², lowerBound), then used at the next step', () => {
    const opt = contrib.momo(1, { adaptLowerBound: true })
    const x0 = [1, 1]
    const g0 = grad(x0)
    const [, s1] = opt.update(f64(g0), opt.init(f64(x0)), f64(x0), { value: f(x0) })
    // τ = 5.5/101: f* = 5.5 + 11 − 11 − ½·(5.5/101)·101 = 2.75
    expect(s1[0].lb).toBeCloseTo(2.75, 14)
    const x1 = x0.map((x, i) => x - (5.5 / 101) * g0[i]!)
    const g1 = grad(x1)
    const d = g0.map((g, i) => 0.9 * g + 0.1 * g1[i]!)
    const barf = 0.9 * 5.5 + 0.1 * f(x1)
    const gamma = 0.9 * 11 + 0.1 * dot(g1, x1)
    const cap = barf - gamma + dot(d, x1)
    // the model's value is below the old bound, so the bound is first reset to max(cap/2, 0)
    expect(cap).toBeLessThan(2.75)
    const lb = Math.max(cap / 2, 0)
    const tau1 = Math.min(1, Math.max(barf - lb - gamma + dot(d, x1), 0) / dot(d, d))
    const [u1, s2] = opt.update(f64(g1), s1, f64(x1), { value: f(x1) })
    near(u1, f64(d.map((di) => -tau1 * di)), 1e-14)
    expect(s2[0].lb).toBeCloseTo(Math.max(cap - 0.5 * tau1 * dot(d, d), 0), 14)
  })

  it('converges on an ill-conditioned quadratic with the default learning rate', () => {
    const { params } = runSteps(contrib.momo(), f64([1, -2]), gradTree, 1000, valueOf)
    expect(tree.norm(params)).toBeLessThan(1e-4)
  })

  it('a zero gradient gives no step (no division by zero)', () => {
    const opt = contrib.momo()
    const [u] = opt.update(f64([0, 0]), opt.init(f64([1, 2])), f64([1, 2]), { value: 3 })
    expect(arr(u).every((x) => x === 0)).toBe(true)
  })

  it('needs the loss value and the params', () => {
    const opt = contrib.momo()
    const s = opt.init(f64([1]))
    expect(() => opt.update(f64([1]), s, f64([1]))).toThrow(DescentError)
    expect(() => opt.update(f64([1]), s, f64([1]))).toThrow(/scaleByMomo needs the loss value.*\{ value: loss \}/)
    expect(() => opt.update(f64([1]), s)).toThrow(/scaleByMomo/)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.momo(1, { beta: 1 })).toThrow('scaleByMomo options.beta must be in [0, 1); got 1')
    expect(() => contrib.momo(-1)).toThrow(/scaleByMomo options.learningRate/)
    expect(() => contrib.momo(1, { weightDecay: -0.1 })).toThrow(/scaleByMomo options.weightDecay/)
    expect(() => contrib.momo(1, { lowerBound: NaN })).toThrow(/scaleByMomo options.lowerBound/)
  })

  it('refuses a state made for other params, naming the path', () => {
    const opt = contrib.scaleByMomo()
    const s = opt.init({ w: f64([1, 2, 3]) })
    expect(() => opt.update({ w: f64([1, 2]) }, s, { w: f64([1, 2]) }, { value: 1 })).toThrow(
      /scaleByMomo: .*\.w: shape/,
    )
    expect(() => opt.update(f64([1]), { count: 0 } as never, f64([1]), { value: 1 })).toThrow(/scaleByMomo/)
  })
})

describe('momoAdam', () => {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8]

  it('two steps by hand (β₁ 0.9, β₂ 0.999, ε 1e-8, α 1e-2 then 10)', () => {
    for (const alpha of [1e-2, 10]) {
      const opt = contrib.momoAdam(alpha)
      const x0 = [1, 1]
      const g0 = grad(x0)
      let m = g0.map((g) => (1 - b1) * g)
      let v = g0.map((g) => (1 - b2) * g * g)
      let barf = (1 - b1) * f(x0)
      let gamma = (1 - b1) * dot(g0, x0)
      const stepOf = (x: number[], t: number) => {
        const D = v.map((vi) => eps + Math.sqrt(vi / (1 - b2 ** t)))
        const mD = m.map((mi, i) => mi / D[i]!)
        const rho = 1 - b1 ** t
        const h = barf - gamma + dot(m, x)
        const tau = Math.min(alpha / rho, Math.max(h, 0) / dot(m, mD))
        return mD.map((w) => -tau * w)
      }
      const u0Ref = stepOf(x0, 1)
      const [u0, s1] = opt.update(f64(g0), opt.init(f64(x0)), f64(x0), { value: f(x0) })
      near(u0, f64(u0Ref), 1e-14)
      const x1 = x0.map((x, i) => x + u0Ref[i]!)
      const g1 = grad(x1)
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g1[i]!)
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g1[i]! ** 2)
      barf = b1 * barf + (1 - b1) * f(x1)
      gamma = b1 * gamma + (1 - b1) * dot(g1, x1)
      const [u1] = opt.update(f64(g1), s1, f64(x1), { value: f(x1) })
      near(u1, f64(stepOf(x1, 2)), 1e-13)
    }
  })

  it('first step in closed form: ±α·sign(g) when α/(1−β₁) caps it (Adam’s first step)', () => {
    const opt = contrib.momoAdam(1e-3, { eps: 0 })
    const [u] = opt.update(f64([1, 10]), opt.init(f64([1, 1])), f64([1, 1]), { value: 5.5 })
    // m/D = (1−β₁)·g/|g| = ±0.1, τ = α/(1 − β₁) = 0.01 (the Polyak term 5.5/(0.1·11) = 5 is larger)
    near(u, f64([-1e-3, -1e-3]), 1e-17)
  })

  it('weight decay is decoupled: −αλ/(1 + αλ)·x', () => {
    const [alpha, wd] = [1e-3, 0.5]
    const opt = contrib.momoAdam(alpha, { weightDecay: wd, eps: 0 })
    const [u] = opt.update(f64([1, 10]), opt.init(f64([2, 1])), f64([2, 1]), { value: 7 })
    const shrink = (alpha * wd) / (1 + alpha * wd)
    near(u, f64([-shrink * 2 - alpha, -shrink * 1 - alpha]), 1e-15)
  })

  it('adaptLowerBound keeps f* ≥ lowerBound and stores the bias-corrected estimate', () => {
    const opt = contrib.momoAdam(10, { adaptLowerBound: true, eps: 0 })
    const x0 = [1, 1]
    const g0 = grad(x0)
    const [, s1] = opt.update(f64(g0), opt.init(f64(x0)), f64(x0), { value: f(x0) })
    // m = 0.1·g, m/D = (0.1, 0.1), ⟨m, m/D⟩ = 0.11, f̄ = 0.55, γ = 1.1, ⟨m, x⟩ = 1.1; τ = min(100, 0.55/0.11) = 5
    // f* = (0.55 + 1.1 − 1.1 − ½·5·0.11)/0.1 = 2.75
    expect(s1[0].lb).toBeCloseTo(2.75, 13)
  })

  it('converges on an ill-conditioned quadratic', () => {
    const { params } = runSteps(contrib.momoAdam(0.1), f64([1, -2]), gradTree, 300, valueOf)
    expect(tree.norm(params)).toBeLessThan(1e-2)
  })

  it('needs the loss value; rejects invalid hyperparameters and a wrong state', () => {
    const opt = contrib.momoAdam()
    expect(() => opt.update(f64([1]), opt.init(f64([1])), f64([1]))).toThrow(/scaleByMomoAdam needs the loss value/)
    expect(() => contrib.momoAdam(1e-2, { b2: 1 })).toThrow('scaleByMomoAdam options.b2 must be in [0, 1); got 1')
    expect(() => contrib.momoAdam(1e-2, { eps: -1 })).toThrow(/scaleByMomoAdam options.eps/)
    const tx = contrib.scaleByMomoAdam()
    const s = tx.init({ w: f64([1, 2, 3]) })
    expect(() => tx.update({ w: f64([1, 2]) }, s, { w: f64([1, 2]) }, { value: 1 })).toThrow(
      /scaleByMomoAdam: .*\.w: shape/,
    )
  })
})
