import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, cosineDecaySchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('cosineDecaySchedule', () => {
  it('follows half a cosine from initValue to alpha·initValue', () => {
    // I = 2, T = 100, α = 0.1: s(t) = 2·(0.9·½(1 + cos(πt/100)) + 0.1)
    const s = cosineDecaySchedule({ initValue: 2, decaySteps: 100, alpha: 0.1 })
    expect(s(0)).toBeCloseTo(2, 15)
    expect(s(25)).toBeCloseTo(2 * (0.9 * 0.5 * (1 + Math.SQRT1_2) + 0.1), 14) // cos(π/4) = √2/2
    expect(s(50)).toBeCloseTo(2 * (0.9 * 0.5 + 0.1), 14) // = 1.1: cos(π/2) = 0
    expect(s(100)).toBeCloseTo(0.2, 15) // cos(π) = −1
    expect(s(101)).toBeCloseTo(0.2, 15)
    expect(s(1e9)).toBeCloseTo(0.2, 15)
  })

  it('defaults to alpha = 0 and exponent = 1', () => {
    const s = cosineDecaySchedule({ initValue: 1, decaySteps: 10 })
    expect(s(0)).toBe(1)
    expect(s(5)).toBeCloseTo(0.5, 15)
    expect(s(10)).toBe(0)
    expect(s(20)).toBe(0)
  })

  it('raises the cosine factor to the exponent', () => {
    // p = 2: s(T/2) = I·((1 − α)·(½)² + α) = 1·(0.5·0.25 + 0.5)
    const s = cosineDecaySchedule({ initValue: 1, decaySteps: 10, alpha: 0.5, exponent: 2 })
    expect(s(5)).toBeCloseTo(0.625, 15)
    expect(s(10)).toBeCloseTo(0.5, 15)
  })

  it('rejects invalid options, naming them', () => {
    expectHyperparameterError(
      () => cosineDecaySchedule({ initValue: 1, decaySteps: 0 }),
      'cosineDecaySchedule options.decaySteps must be in (0, Infinity); got 0',
    )
    expectHyperparameterError(
      () => cosineDecaySchedule({ initValue: 1, decaySteps: -5 }),
      'cosineDecaySchedule options.decaySteps must be in (0, Infinity); got -5',
    )
    expectHyperparameterError(
      () => cosineDecaySchedule({ initValue: 1, decaySteps: 10, exponent: -1 }),
      'cosineDecaySchedule options.exponent must be in [0, Infinity); got -1',
    )
    expectHyperparameterError(
      () => cosineDecaySchedule({ initValue: 1, decaySteps: 10, alpha: NaN }),
      'cosineDecaySchedule options.alpha must be in (-Infinity, Infinity); got NaN',
    )
    expectHyperparameterError(
      () => cosineDecaySchedule({ decaySteps: 10 } as never),
      'cosineDecaySchedule options.initValue must be in (-Infinity, Infinity); got undefined',
    )
  })

  test.prop([
    fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
    fc.integer({ min: 1, max: 10_000 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 4, noNaN: true }),
    fc.double({ min: 0, max: 20_000, noNaN: true }),
  ])(
    'stays within [alpha·initValue, initValue] for positive initValue',
    (initValue, decaySteps, alpha, exponent, t) => {
      const v = cosineDecaySchedule({ initValue, decaySteps, alpha, exponent })(t)
      const tol = 4 * Number.EPSILON * initValue
      expect(v).toBeGreaterThanOrEqual(alpha * initValue - tol)
      expect(v).toBeLessThanOrEqual(initValue + tol)
    },
  )

  test.prop([
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.integer({ min: 1, max: 10_000 }),
    fc.double({ min: -1, max: 2, noNaN: true }),
    fc.double({ min: 0, max: 20_000, noNaN: true }),
  ])('reaches alpha·initValue at decaySteps and stays there', (initValue, decaySteps, alpha, extra) => {
    const s = cosineDecaySchedule({ initValue, decaySteps, alpha })
    const tol = 1e-14 * Math.abs(initValue) * (1 + Math.abs(alpha))
    expect(Math.abs(s(decaySteps) - alpha * initValue)).toBeLessThanOrEqual(tol)
    expect(s(decaySteps + extra)).toBe(s(decaySteps))
  })
})
