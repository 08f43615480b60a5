import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  type Schedule,
  constantSchedule,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
} from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('joinSchedules', () => {
  // Pieces that reveal which one ran and which count it saw: piece i returns 1000·i + its count.
  const tagged =
    (i: number): Schedule =>
    (c) =>
      1000 * i + c

  it('runs each piece from its boundary on, with the count restarted at 0', () => {
    const s = joinSchedules([tagged(0), tagged(1), tagged(2)], [10, 25])
    expect([0, 9, 9.5].map(s)).toEqual([0, 9, 9.5])
    expect([10, 11, 24].map(s)).toEqual([1000, 1001, 1014]) // a boundary belongs to the next piece
    expect([25, 30, 1e6].map(s)).toEqual([2000, 2005, 2000 + 1e6 - 25])
    expect(s(-3)).toBe(-3) // before 0 the first piece still runs
  })

  it('is the single schedule when given no boundaries', () => {
    const s = joinSchedules([tagged(0)], [])
    expect([0, 7, 100].map(s)).toEqual([0, 7, 100])
  })

  it('joins the pieces of a warmup-then-step schedule', () => {
    const s = joinSchedules(
      [linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 10 }), constantSchedule(1), constantSchedule(0.1)],
      [10, 100],
    )
    expect([0, 5, 10, 99, 100, 500].map(s)).toEqual([0, 0.5, 1, 1, 0.1, 0.1])
  })

  it('is not affected by later changes to the arrays it was given', () => {
    const schedules: Schedule[] = [tagged(0), tagged(1)]
    const boundaries = [10]
    const s = joinSchedules(schedules, boundaries)
    schedules[1] = tagged(7)
    boundaries[0] = 1
    expect([5, 10].map(s)).toEqual([5, 1000])
  })

  it('validates the pieces and the boundaries', () => {
    expectHyperparameterError(
      () => joinSchedules([], []),
      'joinSchedules schedules must be a non-empty array of schedules',
    )
    expectHyperparameterError(
      () => joinSchedules([tagged(0), 0.1 as never], [10]),
      'joinSchedules schedules[1] must be a schedule (count) => number; got 0.1',
    )
    expectHyperparameterError(
      () => joinSchedules([tagged(0), tagged(1)], []),
      'joinSchedules boundaries must have schedules.length − 1 = 1 entries; got an array of length 0',
    )
    expectHyperparameterError(
      () => joinSchedules([tagged(0), tagged(1)], [10, 20]),
      'joinSchedules boundaries must have schedules.length − 1 = 1 entries; got an array of length 2',
    )
    expectHyperparameterError(
      () => joinSchedules([tagged(0), tagged(1), tagged(2)], [10, 10]),
      'joinSchedules boundaries[1] must be in (10, Infinity); got 10',
    )
    expectHyperparameterError(
      () => joinSchedules([tagged(0), tagged(1), tagged(2)], [10, 5]),
      'joinSchedules boundaries[1] must be in (10, Infinity); got 5',
    )
    expectHyperparameterError(
      () => joinSchedules([tagged(0), tagged(1)], [NaN]),
      'joinSchedules boundaries[0] must be in (-Infinity, Infinity); got NaN',
    )
  })

  test.prop([
    fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 0, maxLength: 5 }),
    fc.double({ min: -10, max: 2000, noNaN: true }),
  ])('equals the piecewise definition: the last piece reached, at t − its boundary', (raw, t) => {
    const boundaries = [...raw].sort((a, b) => a - b)
    const s = joinSchedules([tagged(0), ...boundaries.map((_, i) => tagged(i + 1))], boundaries)
    const i = boundaries.filter((b) => b <= t).length // pieces whose boundary has been reached
    const start = i === 0 ? 0 : (boundaries[i - 1] as number)
    const expected = 1000 * i + (t - start)
    expect(s(t)).toBe(expected)
  })

  const value = fc.double({ min: -10, max: 10, noNaN: true })
  test.prop([
    value,
    fc.double({ min: 1e-3, max: 10, noNaN: true }),
    fc.integer({ min: 1, max: 1000 }),
    fc.integer({ min: 1, max: 1000 }),
    fc.double({ min: 0.1, max: 0.999, noNaN: true }),
    fc.boolean(),
    fc.double({ min: 1e-9, max: 1, noNaN: true }),
  ])(
    'a linear warmup joined with an exponential decay is continuous at the boundary',
    (initValue, peakValue, warmupSteps, transitionSteps, decayRate, staircase, eps) => {
      const s = joinSchedules(
        [
          linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }),
          exponentialDecay({ initValue: peakValue, transitionSteps, decayRate, staircase }),
        ],
        [warmupSteps],
      )
      // Left piece's end value: (I − P)·(1 − W/W) + P = P exactly; the right piece's start (d = 0 ≤ 0) is P.
      expect(s(warmupSteps)).toBe(peakValue)
      const tol = 1e-12 * (Math.abs(initValue) + peakValue)
      const leftSlope = Math.abs(peakValue - initValue) / warmupSteps
      expect(Math.abs(s(warmupSteps) - s(warmupSteps - eps))).toBeLessThanOrEqual(leftSlope * eps + tol)
      if (!staircase) {
        // d/dt P·r^(t/T) at t = 0 has magnitude P·|ln r|/T, the largest slope of the decay.
        const rightSlope = (peakValue * Math.abs(Math.log(decayRate))) / transitionSteps
        expect(Math.abs(s(warmupSteps + eps) - s(warmupSteps))).toBeLessThanOrEqual(rightSlope * eps + tol)
      }
    },
  )
})
