import { describe, expect, it } from 'vitest'
import { contrib, tensor, tree } from '../../src/index'
import { near } from './_near'
import { runSteps } from './_run'

const f64 = (x: number[]) => tensor(x, 'float64')

describe('scaleByAcprop', () => {
  it('three steps by hand: the denominator lags one step (ŝ = 1 first)', () => {
    const [b1, b2, eps, epsRoot] = [0.9, 0.999, 1e-16, 1e-16]
    const tx = contrib.scaleByAcprop()
    const gs = [2, -1, 0.5]
    let [m, s] = [0, 0]
    let state = tx.init(f64([0]))
    for (let k = 0; k < gs.length; k++) {
      const g = gs[k]!
      const expected = g / ((k === 0 ? 1 : Math.sqrt(s / (1 - b2 ** k))) + eps)
      m = b1 * m + (1 - b1) * g
      s = b2 * s + (1 - b2) * (g - m) ** 2 + epsRoot
      const [u, next] = tx.update(f64([g]), state)
      near(u, f64([expected]), 1e-15 * Math.abs(expected))
      near(next.nu, f64([s]), 1e-18)
      state = next
    }
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => contrib.scaleByAcprop({ b2: 1 })).toThrow('scaleByAcprop options.b2 must be in [0, 1); got 1')
  })
})

describe('acprop', () => {
  it('converges on a quadratic with a decaying learning rate', () => {
    const grad = (p: unknown) => tree.mapElementwise((x, a) => a * x, p as never, f64([1, 10]))
    const { params } = runSteps(
      contrib.acprop((t) => 0.05 / Math.sqrt(1 + t)),
      f64([1, -2]),
      grad,
      600,
    )
    expect(tree.norm(params)).toBeLessThan(0.05)
  })
})
