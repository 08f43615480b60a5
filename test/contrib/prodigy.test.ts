import { describe, expect, it } from 'vitest'
import { contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

/** Prodigy on one coordinate, written from the paper / optax formula (float64), for `steps` steps of f = ½x². */
function reference(x0: number, steps: number, lr = 1, wd = 0): { x: number; d: number } {
  const [b1, b2, eps, d0] = [0.9, 0.999, 1e-8, 1e-6]
  const b3 = Math.sqrt(b2)
  let [x, m, v, s, r, d] = [x0, 0, 0, 0, 0, d0]
  for (let k = 0; k < steps; k++) {
    const g = x
    const dlr = (d * lr * Math.sqrt(1 - b2 ** (k + 1))) / (1 - b1 ** (k + 1))
    m = b1 * m + (1 - b1) * d * g
    v = b2 * v + (1 - b2) * (d * g) ** 2
    s = b3 * s + (dlr * d * g) / d0
    r = b3 * r + (d / d0) * dlr * g * (x0 - x)
    const u = -wd * dlr * x - (dlr * m) / (Math.sqrt(v) + d * eps)
    d = Math.max(d, r / Math.abs(s))
    x += u
  }
  return { x, d }
}

describe('prodigy', () => {
  it('matches the formula step by step (3 steps, then 40: d grows from d₀)', () => {
    for (const steps of [1, 3, 40]) {
      const ref = reference(1.5, steps)
      const { params, state } = runSteps(contrib.prodigy(), f64([1.5]), (p) => p, steps)
      near(params, f64([ref.x]), 1e-12 * Math.max(1, Math.abs(ref.x)))
      expect(state[0].estimLr).toBeCloseTo(ref.d, 12)
    }
    expect(reference(1.5, 40).d).toBeGreaterThan(1e-3) // the test exercises the growth of d
  })

  it('weight decay and a learning-rate multiplier', () => {
    const ref = reference(-2, 5, 0.5, 0.1)
    const { params } = runSteps(contrib.prodigy(0.5, { weightDecay: 0.1 }), f64([-2]), (p) => p, 5)
    near(params, f64([ref.x]), 1e-12)
  })

  it('all-zero gradients keep d (no 0/0 NaN)', () => {
    const { params, state } = runSteps(contrib.prodigy(), f64([1, 2]), (p) => tree.zerosLike(p), 3)
    near(params, f64([1, 2]), 0)
    expect(state[0].estimLr).toBe(1e-6)
  })

  it('converges on a quadratic without a tuned learning rate', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(contrib.prodigy(), f64([1, -2]), grad, 400)
    expect(tree.norm(params)).toBeLessThan(0.05)
  })

  it('rejects invalid hyperparameters and needs params', () => {
    expect(() => contrib.prodigy(1, { betas: [1, 0.9] })).toThrow('prodigy options.betas[0] must be in [0, 1); got 1')
    expect(() => contrib.prodigy(1, { estimLr0: 0 })).toThrow(/estimLr0/)
    const opt = contrib.prodigy()
    expect(() => opt.update(f64([1]), opt.init(f64([1])))).toThrow(/prodigy needs the params/)
  })
})
