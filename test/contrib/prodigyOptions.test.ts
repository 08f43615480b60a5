import { describe, expect, it } from 'vitest'
import { type Tensor, contrib, tensor } from '../../src/index'

// optax.contrib.prodigy's safeguard_warmup and weight_decay_mask (2edbcbe; the mask was added 2026-06-23). The first
// step in closed form: d = d₀, bc = √(1−β₂)/(1−β₁), dlr = d₀·α·bc, m = (1−β₁)·d₀·g, v = (1−β₂)·d₀²·g²,
// u = −dlr·m/(√v + d₀·ε) − λ·dlr·θ (only where the mask is true), s = d·dlr·g/d₀ (safeguard: d²·g/d₀).
const [b1, b2, eps, d0, lr, wd] = [0.9, 0.999, 1e-8, 0.1, 1, 0.5]
const dlr = d0 * lr * (Math.sqrt(1 - b2) / (1 - b1))
const step = (g: number, p: number, decay: boolean) => {
  const m = (1 - b1) * d0 * g
  const v = (1 - b2) * (d0 * g) ** 2
  return -(decay ? wd * dlr * p : 0) - (dlr * m) / (Math.sqrt(v) + d0 * eps)
}
const params = { w: tensor([1, -2], 'float64'), b: tensor([3], 'float64') }
const grads = { w: tensor([0.5, 0.25], 'float64'), b: tensor([-1], 'float64') }
const vals = (t: unknown) => Array.from((t as Tensor).data)

describe('contrib.prodigy weightDecayMask and safeguardWarmup', () => {
  it('the weight decay applies where the mask is true only (a tree or a function of the params)', () => {
    for (const weightDecayMask of [{ w: true, b: false }, (p: unknown) => ({ ...(p as object), w: true, b: false })]) {
      const opt = contrib.prodigy(lr, { estimLr0: d0, weightDecay: wd, weightDecayMask })
      const [u] = opt.update(grads, opt.init(params), params)
      vals(u.w).forEach((x, i) => expect(x).toBeCloseTo(step([0.5, 0.25][i]!, [1, -2][i]!, true), 14))
      expect(vals(u.b)[0]).toBeCloseTo(step(-1, 3, false), 14)
    }
  })
  it('without a mask every param decays', () => {
    const opt = contrib.prodigy(lr, { estimLr0: d0, weightDecay: wd })
    const [u] = opt.update(grads, opt.init(params), params)
    expect(vals(u.b)[0]).toBeCloseTo(step(-1, 3, true), 14)
  })
  it('safeguardWarmup leaves the learning rate out of the D-estimate sum: s₁ = d₀·g instead of dlr·g', () => {
    const plain = contrib.scaleByProdigy({ learningRate: lr, estimLr0: d0 })
    const safe = contrib.scaleByProdigy({ learningRate: lr, estimLr0: d0, safeguardWarmup: true })
    const [, s] = plain.update(grads, plain.init(params), params)
    const [, t] = safe.update(grads, safe.init(params), params)
    expect(vals((s.gradSum as typeof params).b)[0]).toBeCloseTo(dlr * -1, 15)
    expect(vals((t.gradSum as typeof params).b)[0]).toBeCloseTo(d0 * -1, 15)
  })
  it('refuses a non-boolean safeguardWarmup', () => {
    expect(() => contrib.prodigy(1, { safeguardWarmup: 1 as unknown as boolean })).toThrow(/safeguardWarmup/)
  })
})
