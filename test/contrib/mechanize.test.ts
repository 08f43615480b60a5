import { describe, expect, it } from 'vitest'
import { DescentError, adam, contrib, sgd, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

/** Mechanic around sgd(lr) on one coordinate of f = ½x², written from the paper / optax rule (float64). */
function reference(x0: number, steps: number, o: { lr: number; wd: number; eps: number; s0: number; n: number }) {
  const betas = Array.from({ length: o.n }, (_, i) => 1 - 0.1 ** (i + 1))
  let [r, m, v] = [betas.map(() => 0), betas.map(() => 0), betas.map(() => 0)]
  let s = betas.map(() => o.s0)
  let x = x0
  const xs: number[] = []
  for (let t = 0; t < steps; t++) {
    const g = x
    const u = -o.lr * g // sgd's update
    const S = s.reduce((a, b) => a + b, 0)
    const gd = g + ((o.wd * S * Math.abs(g)) / (Math.abs(x) + o.eps)) * x
    const dPrev = (x0 - x) / (S + o.eps)
    const h = gd * dPrev
    const clipped = m.map((mi) => Math.min(Math.max(h, -mi), mi))
    const rNew = betas.map((b, i) => b * r[i]! + clipped[i]! * s[i]!)
    m = betas.map((b, i) => Math.max(b * m[i]!, Math.abs(h) + o.eps))
    v = betas.map((b, i) => b * b * v[i]! + h * h)
    r = rNew
    s = betas.map((_, i) => ((o.s0 / o.n) * m[i]! + Math.max(r[i]!, 0)) / (Math.sqrt(v[i]!) + o.eps))
    x = x0 - s.reduce((a, b) => a + b, 0) * (dPrev - u)
    xs.push(x)
  }
  return { xs, s }
}

describe('mechanize', () => {
  const o = { lr: 1, wd: 0.1, eps: 1e-8, s0: 0.1, n: 2 }

  it('matches the rule step by step (1, 2 and 8 steps of sgd(1) on ½x²)', () => {
    for (const steps of [1, 2, 8]) {
      const opt = contrib.mechanize(sgd(o.lr), { weightDecay: o.wd, eps: o.eps, sInit: o.s0, numBetas: o.n })
      const ref = reference(1.5, steps, o)
      const { params, state } = runSteps(opt, f64([1.5]), (p) => p, steps)
      near(params, f64([ref.xs[steps - 1]!]), 1e-13)
      ref.s.forEach((si, i) => expect(state.s[i]).toBeCloseTo(si, 12))
    }
    // the run exercises learning: the scale moved away from its start
    expect(reference(1.5, 8, o).s[0]).not.toBeCloseTo(o.s0 / o.n, 3)
  })

  it('first step by hand: h = 0, so each sᵢ = s₀/n and x₁ = x₀ + s₀·u_inner', () => {
    const opt = contrib.mechanize(sgd(1), { sInit: 0.1, numBetas: 4 })
    const x0 = f64([1, -3])
    const [u, s1] = opt.update(f64([1, -3]), opt.init(x0), x0)
    near(u, f64([-0.1, 0.3]), 1e-15)
    s1.s.forEach((si) => expect(si).toBeCloseTo(0.025, 15))
  })

  it('x₀ is the params at the first update, not at init (pre-trained weights loaded after init)', () => {
    const opt = contrib.mechanize(sgd(1))
    const state = opt.init(f64([100]))
    const [, s1] = opt.update(f64([2]), state, f64([2]))
    near(s1.x0, f64([2]), 0)
  })

  it('tunes the scale of adam(1) on an ill-conditioned quadratic', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(contrib.mechanize(adam(1)), f64([1, -2]), grad, 300)
    expect(tree.norm(params)).toBeLessThan(0.05)
  })

  it('rejects invalid hyperparameters, a missing params and a wrong state', () => {
    expect(() => contrib.mechanize(sgd(1), { numBetas: 0 })).toThrow(
      'mechanize options.numBetas must be in [1, Infinity); got 0',
    )
    expect(() => contrib.mechanize(sgd(1), { numBetas: 1.5 })).toThrow(/mechanize options.numBetas must be an integer/)
    expect(() => contrib.mechanize(sgd(1), { eps: 0 })).toThrow(/mechanize options.eps/)
    expect(() => contrib.mechanize(sgd(1), { sInit: -1 })).toThrow(/mechanize options.sInit/)
    expect(() => contrib.mechanize({} as never)).toThrow(/mechanize/)
    const opt = contrib.mechanize(sgd(1))
    const s = opt.init({ w: f64([1, 2, 3]) })
    expect(() => opt.update({ w: f64([1, 2]) }, s)).toThrow(/mechanize/)
    expect(() => opt.update({ w: f64([1, 2]) }, s, { w: f64([1, 2]) })).toThrow(/mechanize: .*\.w: shape/)
    const other = contrib.mechanize(sgd(1), { numBetas: 2 })
    expect(() => other.update(f64([1]), opt.init(f64([1])), f64([1]))).toThrow(DescentError)
    expect(() => other.update(f64([1]), opt.init(f64([1])), f64([1]))).toThrow(/state\.r.*an array of 2 numbers/)
  })
})
