import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, linearSchedule, polynomialSchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('linearSchedule', () => {
  it('interpolates linearly from initValue to endValue', () => {
    // s(t) = (1 − 0.01)·(1 − t/100) + 0.01
    const s = linearSchedule({ initValue: 1, endValue: 0.01, transitionSteps: 100 })
    expect(s(0)).toBe(1)
    expect(s(50)).toBeCloseTo(0.505, 15)
    expect(s(99)).toBeCloseTo(0.0199, 15)
    expect(s(100)).toBe(0.01)
    expect(s(1e9)).toBe(0.01)
  })

  it('holds initValue until transitionBegin', () => {
    // 0 → 8 over 4 steps starting at step 10: 2 per step.
    const s = linearSchedule({ initValue: 0, endValue: 8, transitionSteps: 4, transitionBegin: 10 })
    expect([0, 5, 10, 11, 12, 13, 14, 15].map(s)).toEqual([0, 0, 0, 2, 4, 6, 8, 8])
  })

  it('increases as well as decreases, and is constant for transitionSteps ≤ 0', () => {
    expect(linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 4 })(1)).toBe(0.25)
    expect(linearSchedule({ initValue: 0.7, endValue: 1, transitionSteps: 0 })(100)).toBe(0.7)
  })

  it('rejects invalid options under its own name', () => {
    expectHyperparameterError(
      () => linearSchedule({ initValue: 1, endValue: 0, transitionSteps: NaN }),
      'linearSchedule options.transitionSteps must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => linearSchedule({ initValue: 1, endValue: Infinity, transitionSteps: 3 }),
      'linearSchedule options.endValue must be in (-Infinity, Infinity); got Infinity',
    )
  })

  const value = fc.double({ min: -1e6, max: 1e6, noNaN: true })
  const steps = fc.integer({ min: -5, max: 1000 })
  const count = fc.double({ min: -10, max: 3000, noNaN: true })

  test.prop([value, value, steps, fc.integer({ min: -5, max: 100 }), count, count])(
    'is monotone between initValue and endValue',
    (initValue, endValue, transitionSteps, transitionBegin, c1, c2) => {
      const s = linearSchedule({ initValue, endValue, transitionSteps, transitionBegin })
      const [a, b] = c1 <= c2 ? [c1, c2] : [c2, c1]
      // Correctly rounded −, /, ·, + are monotone, so the float64 schedule is exactly monotone.
      if (initValue >= endValue) expect(s(a)).toBeGreaterThanOrEqual(s(b))
      else expect(s(a)).toBeLessThanOrEqual(s(b))
      const tol = 4 * Number.EPSILON * Math.max(Math.abs(initValue), Math.abs(endValue))
      for (const v of [s(a), s(b)]) {
        expect(v).toBeGreaterThanOrEqual(Math.min(initValue, endValue) - tol)
        expect(v).toBeLessThanOrEqual(Math.max(initValue, endValue) + tol)
      }
    },
  )

  test.prop([value, value, steps, fc.integer({ min: -5, max: 100 }), count])(
    'is polynomialSchedule with power 1, bit for bit',
    (initValue, endValue, transitionSteps, transitionBegin, t) => {
      const options = { initValue, endValue, transitionSteps, transitionBegin }
      expect(Object.is(linearSchedule(options)(t), polynomialSchedule({ ...options, power: 1 })(t))).toBe(true)
    },
  )
})
