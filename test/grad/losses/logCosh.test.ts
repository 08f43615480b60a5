import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { type Tensor, grad, logCosh, ops, tensor } from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { vals } from '../_numeric'

/**
 * log cosh e in float64: the Taylor series e²/2 − e⁴/12 + e⁶/45 for tiny e, cosh e = 1 + 2·sinh²(e/2) with Math.sinh
 * for moderate e, and |e| − log 2 + log1p(e^(−2|e|)) for large e (where it does not cancel).
 */
const reference = (e: number): number => {
  const a = Math.abs(e)
  if (a < 1e-3) return e ** 2 / 2 - e ** 4 / 12 + e ** 6 / 45
  return a < 4 ? Math.log1p(2 * Math.sinh(e / 2) ** 2) : a - Math.LN2 + Math.log1p(Math.exp(-2 * a))
}

describe('logCosh', () => {
  it('is log cosh(p − t) element-wise (float64), to a few ulps on both sides of the |e| = 1 switch', () => {
    const e = [0, 1e-8, -1e-4, 0.01, -0.3, 0.999, 1, -1.001, 2, -7.5, 30]
    const l = vals(logCosh(tensor(e, 'float64')))
    expect(l[0]).toBe(0)
    l.forEach((v, i) => expect(Math.abs(v - reference(e[i]!))).toBeLessThanOrEqual(1e-15 * reference(e[i]!)))
    expect(vals(logCosh(tensor([3], 'float64'), tensor([1], 'float64')))[0]).toBeCloseTo(Math.log(Math.cosh(2)), 15)
  })

  it('keeps relative accuracy for tiny errors, where logaddexp(e, −e) − log 2 is rounding noise', () => {
    // log cosh 1e−4 = 5e−9 − 8.3e−18: relative error ~1e−16 (the naive form is off by ~1e−8 relative to 1)
    expect(logCosh(tensor([1e-4], 'float64')).item() / reference(1e-4)).toBeCloseTo(1, 14)
    // float32: log cosh 1e−3 ≈ 5e−7, to float32 precision
    expect(logCosh(tensor([1e-3])).item() / reference(1e-3)).toBeCloseTo(1, 6)
  })

  it('has gradient tanh(e) and second derivative 1 − tanh²(e) (float64)', () => {
    const e = tensor([-3, -1, -0.999, -0.2, 0, 1e-5, 0.5, 1, 1.001, 4], 'float64')
    const g = grad((p: Tensor) => ops.sum(logCosh(p)))(e)
    vals(g).forEach((v, i) => expect(v).toBeCloseTo(Math.tanh(e.data[i]!), 15))
    for (const x of [-2, -1, -0.4, 0, 0.7, 1, 3]) {
      expect(grad(grad((p) => logCosh(p)))(x)).toBeCloseTo(1 - Math.tanh(x) ** 2, 14)
    }
    // with respect to the targets: −tanh(p − t)
    expect(grad((t) => logCosh(0.5, t))(2)).toBeCloseTo(Math.tanh(1.5), 15)
  })

  it('is finite and exact for errors of ±1e4 in float32, values and gradients', () => {
    const p = tensor([1e4, -1e4])
    const l = logCosh(p)
    expect(l.dtype).toBe('float32')
    expect(vals(l)).toEqual([Math.fround(1e4 - Math.LN2), Math.fround(1e4 - Math.LN2)])
    expect(grad((x: Tensor) => ops.sum(logCosh(x)))(p).toArray()).toEqual([1, -1])
  })

  it('keeps the dtype and does not modify its inputs', () => {
    const p = tensor([1, 5], 'float64')
    const t = tensor([0, 0], 'float64')
    expect(expectInputsUnchanged(() => logCosh(p, t), p, t).dtype).toBe('float64')
  })

  test.prop([fc.double({ min: -300, max: 300, noNaN: true })])('matches the float64 reference and tanh', (e) => {
    const ref = reference(e)
    expect(Math.abs(logCosh(tensor([e], 'float64')).item() - ref)).toBeLessThanOrEqual(2e-15 * ref)
    expect(grad((p) => logCosh(p))(e)).toBeCloseTo(Math.tanh(e), 14)
  })
})
