import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, linearSchedule, warmupConstantSchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('warmupConstantSchedule', () => {
  it('warms up linearly to peakValue and holds it', () => {
    // 0 → 0.1 over 4 steps: 0.025 per step.
    const s = warmupConstantSchedule({ initValue: 0, peakValue: 0.1, warmupSteps: 4 })
    expect(s(0)).toBe(0)
    expect(s(1)).toBeCloseTo(0.025, 16)
    expect(s(2)).toBe(0.05)
    expect(s(4)).toBe(0.1)
    expect(s(1e6)).toBe(0.1)
  })

  it('is the constant initValue when warmupSteps = 0 (as optax: a linear schedule with no transition)', () => {
    const s = warmupConstantSchedule({ initValue: 0.2, peakValue: 1, warmupSteps: 0 })
    expect([0, 1, 100].map(s)).toEqual([0.2, 0.2, 0.2])
  })

  it('rejects invalid options under its own name', () => {
    expectHyperparameterError(
      () => warmupConstantSchedule({ initValue: 0, peakValue: 1, warmupSteps: -1 }),
      'warmupConstantSchedule options.warmupSteps must be in [0, Infinity); got -1',
    )
    expectHyperparameterError(
      () => warmupConstantSchedule({ initValue: 0, peakValue: NaN, warmupSteps: 3 }),
      'warmupConstantSchedule options.peakValue must be in (-Infinity, Infinity); got NaN',
    )
  })

  test.prop([
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.integer({ min: 0, max: 1000 }),
    fc.double({ min: 0, max: 3000, noNaN: true }),
  ])('is linearSchedule from initValue to peakValue, bit for bit', (initValue, peakValue, warmupSteps, t) => {
    const s = warmupConstantSchedule({ initValue, peakValue, warmupSteps })
    const l = linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps })
    expect(Object.is(s(t), l(t))).toBe(true)
  })
})
