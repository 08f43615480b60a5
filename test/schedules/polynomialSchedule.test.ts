import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, polynomialSchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('polynomialSchedule', () => {
  it('matches the closed form at begin, inside, at the end and beyond (optax docstring case)', () => {
    // I = 1, E = 0.01, p = 2, T = 100, B = 5: s(t) = 0.99·(1 − (t − 5)/100)² + 0.01 for 5 ≤ t ≤ 105.
    const s = polynomialSchedule({ initValue: 1, endValue: 0.01, power: 2, transitionSteps: 100, transitionBegin: 5 })
    expect(s(0)).toBeCloseTo(1, 14)
    expect(s(5)).toBeCloseTo(1, 14)
    expect(s(6)).toBeCloseTo(0.99 * 0.99 ** 2 + 0.01, 14) // 0.980299
    expect(s(55)).toBeCloseTo(0.99 * 0.25 + 0.01, 14) // halfway: (1/2)² = 1/4
    expect(s(104)).toBeCloseTo(0.99 * 1e-4 + 0.01, 14) // 0.010099
    expect(s(105)).toBeCloseTo(0.01, 14)
    expect(s(1000)).toBeCloseTo(0.01, 14)
  })

  it('supports fractional powers and counts', () => {
    // p = 0.5, T = 4: s(1) = (2 − 0)·√(3/4) + 0 = √3; s(2.5) = 2·√(1.5/4)
    const s = polynomialSchedule({ initValue: 2, endValue: 0, power: 0.5, transitionSteps: 4 })
    expect(s(1)).toBeCloseTo(Math.sqrt(3), 14)
    expect(s(2.5)).toBeCloseTo(2 * Math.sqrt(0.375), 14)
    expect(s(4)).toBe(0)
  })

  it('is the constant initValue when transitionSteps ≤ 0 (as optax)', () => {
    for (const transitionSteps of [0, -10]) {
      const s = polynomialSchedule({ initValue: 0.3, endValue: 0, power: 1, transitionSteps })
      expect([s(0), s(1), s(100)]).toEqual([0.3, 0.3, 0.3])
    }
  })

  it('treats a negative transitionBegin as 0 (as optax)', () => {
    const a = polynomialSchedule({ initValue: 1, endValue: 0, power: 1, transitionSteps: 10, transitionBegin: -5 })
    const b = polynomialSchedule({ initValue: 1, endValue: 0, power: 1, transitionSteps: 10 })
    for (const t of [0, 3, 10, 20]) expect(a(t)).toBe(b(t))
    expect(a(5)).toBe(0.5)
  })

  it('is the constant initValue for power 0 (0⁰ = 1, as in jnp)', () => {
    const s = polynomialSchedule({ initValue: 3, endValue: 1, power: 0, transitionSteps: 10 })
    expect([s(0), s(5), s(10), s(100)]).toEqual([3, 3, 3, 3])
  })

  it('rejects invalid options, naming them', () => {
    const ok = { initValue: 1, endValue: 0, power: 1, transitionSteps: 10 }
    expectHyperparameterError(
      () => polynomialSchedule({ ...ok, power: -1 }),
      'polynomialSchedule options.power must be in [0, Infinity); got -1',
    )
    expectHyperparameterError(
      () => polynomialSchedule({ ...ok, initValue: NaN }),
      'polynomialSchedule options.initValue must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => polynomialSchedule({ ...ok, transitionBegin: Infinity }),
      'polynomialSchedule options.transitionBegin must be in (-Infinity, Infinity); got Infinity',
    )
    expectHyperparameterError(
      () => polynomialSchedule({ initValue: 1, power: 1, transitionSteps: 10 } as never),
      'polynomialSchedule options.endValue must be in (-Infinity, Infinity); got undefined',
    )
  })

  const value = fc.double({ min: -1e3, max: 1e3, noNaN: true })
  test.prop([
    value,
    value,
    fc.double({ min: 0.01, max: 4, noNaN: true }),
    fc.integer({ min: 1, max: 1000 }),
    fc.integer({ min: 0, max: 100 }),
    fc.double({ min: 0, max: 2000, noNaN: true }),
  ])(
    'stays between initValue and endValue, and equals the closed form',
    (initValue, endValue, power, transitionSteps, transitionBegin, count) => {
      const s = polynomialSchedule({ initValue, endValue, power, transitionSteps, transitionBegin })
      const v = s(count)
      const tol = 4 * Number.EPSILON * Math.max(Math.abs(initValue), Math.abs(endValue))
      expect(v).toBeGreaterThanOrEqual(Math.min(initValue, endValue) - tol)
      expect(v).toBeLessThanOrEqual(Math.max(initValue, endValue) + tol)
      // Closed form written piecewise (optax's docstring): I before B, E after B + T.
      const expected =
        count < transitionBegin
          ? initValue
          : count >= transitionBegin + transitionSteps
            ? endValue
            : endValue + (initValue - endValue) * (1 - (count - transitionBegin) / transitionSteps) ** power
      expect(Math.abs(v - expected)).toBeLessThanOrEqual(1e-12 * (Math.abs(initValue) + Math.abs(endValue)) + 1e-300)
    },
  )
})
