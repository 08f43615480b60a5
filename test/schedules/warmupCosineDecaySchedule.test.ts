import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, cosineDecaySchedule, warmupCosineDecaySchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('warmupCosineDecaySchedule', () => {
  it('warms up linearly, then decays along a cosine to endValue at decaySteps (warmup included)', () => {
    // I = 0, P = 1, W = 10, D = 110, E = 0.1: warmup t/10; then α = 0.1 and a cosine over D − W = 100 steps.
    const s = warmupCosineDecaySchedule({
      initValue: 0,
      peakValue: 1,
      warmupSteps: 10,
      decaySteps: 110,
      endValue: 0.1,
    })
    expect(s(0)).toBe(0)
    expect(s(5)).toBe(0.5)
    expect(s(9)).toBeCloseTo(0.9, 15)
    expect(s(10)).toBeCloseTo(1, 15) // the peak: cosine piece at its step 0
    expect(s(35)).toBeCloseTo(0.9 * 0.5 * (1 + Math.SQRT1_2) + 0.1, 14) // a quarter into the decay
    expect(s(60)).toBeCloseTo(0.55, 14) // halfway: (1 − 0.1)·½ + 0.1
    expect(s(110)).toBeCloseTo(0.1, 15)
    expect(s(10_000)).toBeCloseTo(0.1, 15)
  })

  it('defaults endValue to 0 and applies the exponent to the cosine factor', () => {
    // P = 2, W = 2, D = 12, p = 2: at t = 7 the cosine factor is ½, so s = 2·(½)² = 0.5.
    const s = warmupCosineDecaySchedule({ initValue: 1, peakValue: 2, warmupSteps: 2, decaySteps: 12, exponent: 2 })
    expect(s(1)).toBe(1.5)
    expect(s(7)).toBeCloseTo(0.5, 15)
    expect(s(12)).toBe(0)
  })

  it('uses alpha = 0 when peakValue is 0 (as optax)', () => {
    const s = warmupCosineDecaySchedule({ initValue: 0.5, peakValue: 0, warmupSteps: 2, decaySteps: 4, endValue: 0.3 })
    expect(s(1)).toBe(0.25)
    expect([2, 3, 4, 100].map(s)).toEqual([0, 0, 0, 0])
  })

  it('is a plain cosine decay from the peak when warmupSteps = 0', () => {
    const s = warmupCosineDecaySchedule({ initValue: 9, peakValue: 2, warmupSteps: 0, decaySteps: 50, endValue: 0.5 })
    const c = cosineDecaySchedule({ initValue: 2, decaySteps: 50, alpha: 0.25 })
    for (const t of [0, 1, 17, 25, 50, 80]) expect(s(t)).toBe(c(t))
  })

  it('rejects decaySteps ≤ warmupSteps and other invalid options, naming them', () => {
    const ok = { initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 100 }
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, decaySteps: 10 }),
      'warmupCosineDecaySchedule options.decaySteps must be greater than options.warmupSteps = 10',
    )
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, decaySteps: 5 }),
      'steps too; the cosine decay lasts decaySteps − warmupSteps steps); got 5',
    )
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, decaySteps: 0 }),
      'warmupCosineDecaySchedule options.decaySteps must be in (0, Infinity); got 0',
    )
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, warmupSteps: -1 }),
      'warmupCosineDecaySchedule options.warmupSteps must be in [0, Infinity); got -1',
    )
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, exponent: -2 }),
      'warmupCosineDecaySchedule options.exponent must be in [0, Infinity); got -2',
    )
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, endValue: Infinity }),
      'warmupCosineDecaySchedule options.endValue must be in (-Infinity, Infinity); got Infinity',
    )
    expectHyperparameterError(
      () => warmupCosineDecaySchedule({ ...ok, peakValue: undefined } as never),
      'warmupCosineDecaySchedule options.peakValue must be in (-Infinity, Infinity); got undefined',
    )
  })

  const value = fc.double({ min: -10, max: 10, noNaN: true })
  const peak = fc.oneof(
    fc.double({ min: 1e-3, max: 10, noNaN: true }),
    fc.double({ min: -10, max: -1e-3, noNaN: true }),
  )
  const steps = fc.integer({ min: 1, max: 1000 })
  const epsilon = fc.double({ min: 1e-9, max: 1, noNaN: true })

  test.prop([value, peak, value, steps, steps, epsilon])(
    'is continuous at the end of the warmup',
    (initValue, peakValue, endValue, warmupSteps, cosineSteps, eps) => {
      const decaySteps = warmupSteps + cosineSteps
      const s = warmupCosineDecaySchedule({ initValue, peakValue, warmupSteps, decaySteps, endValue })
      const tol = 1e-12 * (Math.abs(initValue) + Math.abs(peakValue) + Math.abs(endValue))
      // At the boundary the cosine piece starts at P·((1 − α) + α) = P, the linear piece's end value.
      expect(Math.abs(s(warmupSteps) - peakValue)).toBeLessThanOrEqual(tol)
      // From the left the warmup slope is (P − I)/W; from the right the cosine slope is at most
      // |P − E|·π/(2(D − W)).
      const leftSlope = Math.abs(peakValue - initValue) / warmupSteps
      expect(Math.abs(s(warmupSteps) - s(warmupSteps - eps))).toBeLessThanOrEqual(leftSlope * eps + tol)
      const rightSlope = (Math.abs(peakValue - endValue) * Math.PI) / (2 * cosineSteps)
      expect(Math.abs(s(warmupSteps + eps) - s(warmupSteps))).toBeLessThanOrEqual(rightSlope * eps + tol)
    },
  )

  test.prop([value, peak, value, steps, steps, fc.integer({ min: 0, max: 10_000 })])(
    'reaches endValue at decaySteps and stays there',
    (initValue, peakValue, endValue, warmupSteps, cosineSteps, extra) => {
      const decaySteps = warmupSteps + cosineSteps
      const s = warmupCosineDecaySchedule({ initValue, peakValue, warmupSteps, decaySteps, endValue })
      // cos(π) = −1 exactly, so s(D) = P·α = P·(E/P) = E up to two roundings.
      const tol = 4 * Number.EPSILON * Math.abs(endValue) + 1e-300
      expect(Math.abs(s(decaySteps + extra) - endValue)).toBeLessThanOrEqual(tol)
    },
  )
})
