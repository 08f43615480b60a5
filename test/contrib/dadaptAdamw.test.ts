import { describe, expect, it } from 'vitest'
import { contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

/** D-Adapt AdamW on f = ½x² in one coordinate, written from the paper / optax formula (float64). */
function reference(x0: number, steps: number, lr = 1, wd = 0): { x: number; d: number } {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8]
  const sb2 = Math.sqrt(b2)
  let [x, m, v, s, n, d] = [x0, 0, 0, 0, 0, 1e-6]
  for (let k = 1; k <= steps; k++) {
    const g = x
    const dlr = (d * lr * Math.sqrt(1 - b2 ** k)) / (1 - b1 ** k)
    const r = g * (s / (Math.sqrt(v) + eps))
    m = b1 * m + (1 - b1) * dlr * g
    v = b2 * v + (1 - b2) * g * g
    s = sb2 * s + (1 - sb2) * dlr * g
    n = sb2 * n + (1 - sb2) * dlr * r
    d = Math.max(d, n / ((1 - sb2) * Math.abs(s)))
    x += -m / (Math.sqrt(v) + eps) - wd * dlr * x
  }
  return { x, d }
}

describe('dadaptAdamw', () => {
  it('matches the formula step by step (1, 3 and 60 steps; d grows)', () => {
    for (const steps of [1, 3, 60]) {
      const ref = reference(1.5, steps)
      const { params, state } = runSteps(contrib.dadaptAdamw(), f64([1.5]), (p) => p, steps)
      near(params, f64([ref.x]), 1e-12 * Math.max(1, Math.abs(ref.x)))
      expect(state[0].estimLr).toBeCloseTo(ref.d, 12)
    }
    expect(reference(1.5, 60).d).toBeGreaterThan(1e-3)
  })

  it('weight decay scaled by dλ, only where the mask says', () => {
    const ref = reference(-2, 4, 0.5, 0.1)
    const opt = contrib.dadaptAdamw(0.5, { weightDecay: 0.1, weightDecayMask: { a: true, b: false } })
    const { params } = runSteps(opt, { a: f64([-2]), b: f64([-2]) }, (p) => p, 4)
    const noDecay = reference(-2, 4, 0.5, 0)
    near(params, { a: f64([ref.x]), b: f64([noDecay.x]) }, 1e-12)
  })

  it('all-zero gradients keep d (no 0/0 NaN)', () => {
    const { state } = runSteps(contrib.dadaptAdamw(), f64([1]), (p) => tree.zerosLike(p), 3)
    expect(state[0].estimLr).toBe(1e-6)
  })

  it('converges on a quadratic without a tuned learning rate', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(contrib.dadaptAdamw(), f64([1, -2]), grad, 500)
    expect(tree.norm(params)).toBeLessThan(0.05)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.dadaptAdamw(1, { betas: [0.9, 1] })).toThrow(
      'dadaptAdamw options.betas[1] must be in [0, 1); got 1',
    )
  })
})
