import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  cosineOnecycleSchedule,
  linearOnecycleSchedule,
  piecewiseInterpolateSchedule,
  sgdrSchedule,
  warmupCosineDecaySchedule,
  warmupExponentialDecaySchedule,
} from '../../src/index'

const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.max(1, Math.abs(b)))

describe('piecewise-interpolated, one-cycle, warmup-exponential and SGDR schedules', () => {
  it('piecewiseInterpolateSchedule: golden values, continuity at boundaries, zero-length interval', () => {
    const lin = piecewiseInterpolateSchedule('linear', 2, { 4: 0.5, 8: 4 }) // values 2, 1, 4
    expect([0, 2, 4, 6, 8, 100].map(lin)).toEqual([2, 1.5, 1, 2.5, 4, 4])
    const cos = piecewiseInterpolateSchedule('cosine', 2, [[4, 0.5]])
    near(cos(1), 1 + 0.5 * (Math.cos(Math.PI / 4) + 1)) // end + (start − end)/2·(cos(π·¼) + 1)
    near(cos(3.999999), 1)
    expect(piecewiseInterpolateSchedule('linear', 3, { 0: 2 })(0)).toBe(6) // no NaN at a boundary at 0
    expect(() => piecewiseInterpolateSchedule('cos' as never, 1)).toThrow(/'linear' or 'cosine'/)
    expect(() => piecewiseInterpolateSchedule('linear', 1, { 5: -1 })).toThrow(HyperparameterError)
  })
  it('linearOnecycleSchedule: optax defaults, T = 100', () => {
    const s = linearOnecycleSchedule(100, 1) // I = 0.04, peak at 30, back at 85, final 0.04/1e4 at 100
    near(s(0), 0.04)
    near(s(15), 0.04 + 0.96 * 0.5)
    near(s(30), 1)
    near(s(85), 0.04)
    near(s(100), 4e-6)
    near(s(1000), 4e-6)
    expect(() => linearOnecycleSchedule(0, 1)).toThrow(HyperparameterError)
  })
  it('cosineOnecycleSchedule: optax defaults, T = 10', () => {
    const s = cosineOnecycleSchedule({ transitionSteps: 10, peakValue: 1 }) // I = 0.04, peak at 3, 0.04/1e4·… at 10
    near(s(0), 0.04)
    near(s(3), 1)
    const e = 1 / (25 * 1e4)
    near(s(6), e + ((1 - e) / 2) * (Math.cos((Math.PI * 3) / 7) + 1))
    near(s(10), e)
  })
  it('warmupExponentialDecaySchedule and sgdrSchedule are continuous where expected', () => {
    const s = warmupExponentialDecaySchedule({
      initValue: 0.1,
      peakValue: 1,
      warmupSteps: 4,
      transitionSteps: 2,
      decayRate: 0.25,
      transitionBegin: 2,
      endValue: 0.1,
    })
    ;[0.1, 0.55, 1, 1, 0.25, 0.1].forEach((v, i) => near(s([0, 2, 4, 6, 8, 100][i]!), v)) // (0.1 − 1)·1 + 1 at 0
    const cycle = { initValue: 0, peakValue: 1, warmupSteps: 2, decaySteps: 6 }
    const sg = sgdrSchedule([cycle, cycle])
    const one = warmupCosineDecaySchedule(cycle)
    for (let t = 0; t < 6; t++) expect([sg(t), sg(t + 6)]).toEqual([one(t), one(t)])
    expect(() => sgdrSchedule([])).toThrow(HyperparameterError)
  })
})
