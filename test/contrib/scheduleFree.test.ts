import { describe, expect, it } from 'vitest'
import { contrib, sgd, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('scheduleFreeSgd', () => {
  it('two steps on f(y) = ½y² from y = 2 (b1 0.9, α 0.5): c₁ = 1, c₂ = ½', () => {
    const opt = contrib.scheduleFreeSgd(0.5)
    let y = f64([2])
    let s = opt.init(y)
    // Step 1: z₁ = 2 − 0.5·2 = 1, x₀ = y₀, c = 0.25/0.25 = 1 → x₁ = z₁ = 1, y₁ = 1.
    let [u, next] = opt.update(y, s, y)
    near(u, f64([-1]), 1e-15)
    y = f64([1])
    s = next
    // Step 2: z₂ = 1 − 0.5·1 = 0.5, x₁ = (1 − 0.1·1)/0.9 = 1, c = 0.25/0.5 → x₂ = 0.75, y₂ = 0.9·0.75 + 0.1·0.5.
    ;[u, next] = opt.update(y, s, y)
    near(u, f64([0.725 - 1]), 1e-15)
    expect(next[0].stepCount).toBe(3)
    expect(next[0].weightSum).toBeCloseTo(0.5, 15)
    near(next[0].z, f64([0.5]), 1e-15)
    near(contrib.scheduleFreeEvalParams(next, f64([0.725])), f64([0.75]), 1e-15)
  })

  it('warmup: the averaging weight uses schedule(stepCount from 1), the inner SGD its own count from 0 (as optax)', () => {
    const opt = contrib.scheduleFreeSgd(0.5, { warmupSteps: 2 })
    const y0 = f64([2])
    const [u1, s1] = opt.update(y0, opt.init(y0), y0)
    // SGD's lr(0) = 0: z₁ = z₀, and c = 1 so y₁ = z₁ = y₀.
    near(u1, f64([0]), 1e-15)
    expect(s1[0].maxLr).toBeCloseTo(0.25, 15)
    const [u2] = opt.update(y0, s1, y0)
    // Step 2: α̂ = 0.5, w = 0.25, W = 0.0625 + 0.25, c = 0.8; z₂ = 2 − 0.25·2 = 1.5; x₂ = 0.2·2 + 0.8·1.5 = 1.6.
    near(u2, f64([0.9 * 1.6 + 0.1 * 1.5 - 2]), 1e-15)
  })

  it('weight decay is added to the gradient: z₁ = z₀ − α(g + λy₀)', () => {
    const opt = contrib.scheduleFreeSgd(0.5, { weightDecay: 0.1 })
    const y = f64([2])
    const [u] = opt.update(f64([1]), opt.init(y), y)
    near(u, f64([-0.5 * (1 + 0.2)]), 1e-15)
  })

  it('converges: the evaluation params approach the minimum of a quadratic', () => {
    const a = [1, 4, 0.25]
    const grad = (p: unknown) => tree.mapElementwise((x, ai) => ai * x, p as never, f64(a))
    const at = (steps: number) => {
      const { params, state } = runSteps(contrib.scheduleFreeSgd(0.2), f64([1, -2, 3]), grad, steps)
      return tree.norm(contrib.scheduleFreeEvalParams(state, params))
    }
    const [e300, e600] = [at(300), at(600)]
    expect(e300).toBeLessThan(0.05)
    expect(e600).toBeLessThan(e300 / 2)
  })

  it('rejects b1 = 0 and b1 = 1 at construction', () => {
    expect(() => contrib.scheduleFreeSgd(1, { b1: 0 })).toThrow('scheduleFree options.b1 must be in (0, 1); got 0')
    expect(() => contrib.scheduleFreeAdamw(1, { b1: 1 })).toThrow(/b1 must be in \(0, 1\)/)
  })
})

describe('scheduleFreeAdamw', () => {
  it('two steps by hand (b1 0.9, b2 0.999, ε 1e-8, λ 0.01, α 0.1)', () => {
    const [b1, b2, eps, wd, lr] = [0.9, 0.999, 1e-8, 0.01, 0.1]
    const opt = contrib.scheduleFreeAdamw(lr, { weightDecay: wd })
    const y0 = 2
    const g0 = 3
    const [u1, s1] = opt.update(f64([g0]), opt.init(f64([y0])), f64([y0]))
    const z1 = y0 - lr * (g0 / (Math.abs(g0) + eps) + wd * y0) // v̂₁ = g₀²
    near(u1, f64([z1 - y0]), 1e-15)
    const y1 = z1
    const g1 = -1
    const v2 = b2 * (1 - b2) * g0 ** 2 + (1 - b2) * g1 ** 2
    const z2 = z1 - lr * (g1 / (Math.sqrt(v2 / (1 - b2 ** 2)) + eps) + wd * y1)
    const x1 = (y1 - (1 - b1) * z1) / b1
    const x2 = 0.5 * x1 + 0.5 * z2
    const [u2] = opt.update(f64([g1]), s1, f64([y1]))
    near(u2, f64([b1 * x2 + (1 - b1) * z2 - y1]), 1e-14)
  })

  it('converges on a quadratic', () => {
    const grad = (p: unknown) => tree.scale(2, p as never)
    const { params, state } = runSteps(contrib.scheduleFreeAdamw(0.1), f64([1, -2, 3]), grad, 400)
    expect(tree.norm(contrib.scheduleFreeEvalParams(state, params))).toBeLessThan(0.05)
  })
})

describe('scheduleFree', () => {
  it('a learning rate of 0 at the first step gives c = 0/0 = 0: x stays, no NaN', () => {
    const lr = (c: number) => (c <= 1 ? 0 : 0.5)
    const tx = contrib.scheduleFree(sgd(lr), lr, { b1: 0.5 })
    const y = f64([2])
    const [u, s] = tx.update(f64([2]), tx.init(y), y)
    near(u, f64([0]), 0)
    expect(s.weightSum).toBe(0)
  })

  it('needs the params, and scheduleFreeEvalParams needs its state', () => {
    const tx = contrib.scheduleFree(sgd(0.1), 0.1)
    expect(() => tx.update(f64([1]), tx.init(f64([1])))).toThrow(/scheduleFree needs the params/)
    expect(() => contrib.scheduleFreeEvalParams(sgd(0.1).init(f64([1])), f64([1]))).toThrow(/scheduleFreeEvalParams/)
  })
})
