import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  constantSchedule,
  cosineDecaySchedule,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  polynomialSchedule,
  sgdrSchedule,
  warmupConstantSchedule,
  warmupCosineDecaySchedule,
  warmupExponentialDecaySchedule,
} from '../../src/index'

// DESIGN.md: every schedule factory takes one options object of optax's keywords, and the ones whose first optax
// argument is required (init_value) also take it positionally. Expected values are the closed forms.
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12)

describe('initValue positionally, the other options second (optax: init_value is required and first)', () => {
  it('polynomialSchedule: (1 − 0)·(1 − 5/10)² + 0 = 0.25', () => {
    expect(polynomialSchedule(1, { endValue: 0, power: 2, transitionSteps: 10 })(5)).toBe(0.25)
  })
  it('linearSchedule: 2 + (4 − 2)·3/4 = 3.5', () => {
    expect(linearSchedule(2, { endValue: 4, transitionSteps: 4 })(3)).toBe(3.5)
  })
  it('exponentialDecay: 3·0.5^(20/10) = 0.75', () => {
    expect(exponentialDecay(3, { transitionSteps: 10, decayRate: 0.5 })(20)).toBe(0.75)
  })
  it('cosineDecaySchedule: 2·((1 − 0.5)·½(1 + cos(π/2)) + 0.5) = 1.5', () => {
    close(cosineDecaySchedule(2, { decaySteps: 10, alpha: 0.5 })(5), 1.5)
  })
  it('warmupCosineDecaySchedule: halfway through the warmup 0 → 2 is 1, the peak at step 4 is 2', () => {
    const s = warmupCosineDecaySchedule(0, { peakValue: 2, warmupSteps: 4, decaySteps: 14 })
    expect([s(2), s(4)]).toEqual([1, 2])
    close(s(9), 1) // halfway through the cosine: 2·½
  })
  it('warmupConstantSchedule: 1 + (3 − 1)·1/4 = 1.5, then 3', () => {
    const s = warmupConstantSchedule(1, { peakValue: 3, warmupSteps: 4 })
    expect([s(1), s(100)]).toEqual([1.5, 3])
  })
  it('warmupExponentialDecaySchedule: peak 1 at step 10, then 1·0.5^(10/5) = 0.25 at step 20', () => {
    const s = warmupExponentialDecaySchedule(0, { peakValue: 1, warmupSteps: 10, transitionSteps: 5, decayRate: 0.5 })
    expect([s(5), s(10), s(20)]).toEqual([0.5, 1, 0.25])
  })
  it('the positional value is checked under its own name', () => {
    expect(() => cosineDecaySchedule(NaN, { decaySteps: 10 })).toThrow(/cosineDecaySchedule initValue must be/)
    expect(() => cosineDecaySchedule({ initValue: NaN, decaySteps: 10 })).toThrow(/options\.initValue/)
    expect(() => linearSchedule(Infinity, { endValue: 0, transitionSteps: 1 })).toThrow(HyperparameterError)
  })
})

describe('joinSchedules({ schedules, boundaries })', () => {
  const pieces = [constantSchedule(1), linearSchedule({ initValue: 0, endValue: 10, transitionSteps: 10 })]
  it('joins like the positional form: the second piece sees t − boundary', () => {
    const s = joinSchedules({ schedules: pieces, boundaries: [3] })
    expect([s(0), s(2), s(3), s(8)]).toEqual([1, 1, 0, 5])
  })
  it('checks the options like the positional form', () => {
    expect(() => joinSchedules({ schedules: pieces, boundaries: [] })).toThrow(/boundaries must have/)
    expect(() => joinSchedules({ schedules: [], boundaries: [] })).toThrow(/non-empty array/)
    expect(() => joinSchedules({ boundaries: [1] } as never)).toThrow(HyperparameterError)
  })
})

describe('sgdrSchedule({ cycles })', () => {
  const cycle = { initValue: 0, peakValue: 1, warmupSteps: 2, decaySteps: 6 }
  it('restarts each cycle after its decaySteps: warmup 0 → peak, cosine to 0, then the next cycle', () => {
    const s = sgdrSchedule({ cycles: [cycle, { ...cycle, peakValue: 4 }] })
    expect([s(0), s(1), s(2)]).toEqual([0, 0.5, 1])
    close(s(4), 0.5) // halfway through the first cosine (4 steps): ½(1 + cos(π/2))
    expect([s(6), s(7), s(8)]).toEqual([0, 2, 4])
  })
  it('rejects an empty or missing cycle list', () => {
    expect(() => sgdrSchedule({ cycles: [] })).toThrow(/non-empty array/)
    expect(() => sgdrSchedule({} as never)).toThrow(/non-empty array/)
  })
})
