import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, constantSchedule } from '../../src/index'

const expectHyperparameterError = (f: () => unknown, message: string): void => {
  expect(f).toThrow(HyperparameterError)
  expect(f).toThrow(message)
}

describe('constantSchedule', () => {
  it('returns the value at every count (positional and options forms)', () => {
    for (const s of [constantSchedule(0.1), constantSchedule({ value: 0.1 })]) {
      expect(s(0)).toBe(0.1)
      expect(s(1)).toBe(0.1)
      expect(s(2.5)).toBe(0.1)
      expect(s(1e6)).toBe(0.1)
      expect(s(2 ** 53)).toBe(0.1)
    }
    expect(constantSchedule(-3)(10)).toBe(-3)
    expect(constantSchedule(0)(10)).toBe(0)
  })

  it('rejects non-finite or missing values, naming the option', () => {
    const message = 'constantSchedule value must be in (-Infinity, Infinity); got'
    expectHyperparameterError(() => constantSchedule(NaN), `${message} NaN`)
    expectHyperparameterError(() => constantSchedule(Infinity), `${message} Infinity`)
    expectHyperparameterError(
      () => constantSchedule({ value: '0.1' as never }),
      'constantSchedule options.value must be in (-Infinity, Infinity); got "0.1"',
    )
    expectHyperparameterError(
      () => constantSchedule({} as never),
      'constantSchedule options.value must be in (-Infinity, Infinity); got undefined',
    )
  })

  test.prop([fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: 0, max: 1e12, noNaN: true })])(
    'is constant',
    (value, count) => {
      expect(constantSchedule(value)(count)).toBe(value)
    },
  )
})
