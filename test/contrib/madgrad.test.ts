import { describe, expect, it } from 'vitest'
import { contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('madgrad', () => {
  it('two steps by hand (α 0.1, c 0.9, ε 1e-6) on f = ½x²', () => {
    const [lr, c, eps] = [0.1, 0.9, 1e-6]
    const opt = contrib.madgrad(lr)
    const x0 = 2
    const [u1, s1] = opt.update(f64([x0]), opt.init(f64([x0])), f64([x0]))
    let lamb = lr + eps
    let G = lamb * x0 ** 2
    let s = lamb * x0
    const x1 = (1 - c) * (x0 - s / (Math.cbrt(G) + eps)) + c * x0
    near(u1, f64([x1 - x0]), 1e-15)
    const [u2] = opt.update(f64([x1]), s1, f64([x1]))
    lamb = (lr + eps) * Math.sqrt(2)
    G += lamb * x1 ** 2
    s += lamb * x1
    const x2 = (1 - c) * (x0 - s / (Math.cbrt(G) + eps)) + c * x1
    near(u2, f64([x2 - x1]), 1e-15)
  })

  it('weight decay is added to the gradient first', () => {
    const a = contrib.madgrad(0.1, { weightDecay: 0.5, momentum: 0 })
    const b = contrib.scaleByMadgrad(0.1, { momentum: 0 })
    const x = f64([2])
    near(a.update(f64([1]), a.init(x), x)[0], b.update(f64([1 + 0.5 * 2]), b.init(x), x)[0], 0)
  })

  it('converges on a quadratic', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(contrib.madgrad(0.05), f64([1, -2]), grad, 500)
    expect(tree.norm(params)).toBeLessThan(0.05)
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.madgrad(0.1, { momentum: 1 })).toThrow(
      'scaleByMadgrad options.momentum must be in [0, 1); got 1',
    )
  })
})
