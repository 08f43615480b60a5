import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DescentError, HyperparameterError } from '../../src/index'
import { checkBoolean, checkInRange, checkInteger, checkScalarOrSchedule } from '../../src/core/hyperparams'

/** The error `f` throws (fails the test when it throws nothing). */
const thrown = (f: () => unknown): Error => {
  try {
    f()
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a throw')
}

describe('checkInRange', () => {
  test('the message is exactly `owner name must be in interval; got value`', () => {
    const e = thrown(() => checkInRange('scaleByAdam', 'options.b1', 1.2, '[0, 1)'))
    expect(e.message).toBe('scaleByAdam options.b1 must be in [0, 1); got 1.2')
    expect(e).toBeInstanceOf(HyperparameterError)
    expect(e).toBeInstanceOf(RangeError)
    expect(e instanceof DescentError).toBe(true)
    expect(thrown(() => checkInRange('owner', 'name', 1.2, '[0, 1)')).message).toBe(
      'owner name must be in [0, 1); got 1.2',
    )
  })

  test('returns the value when it is valid', () => {
    expect(checkInRange('o', 'n', 0.5, '[0, 1)')).toBe(0.5)
  })

  test('[ and ] are closed bounds, ( and ) open ones', () => {
    expect(checkInRange('o', 'n', 0, '[0, 1)')).toBe(0)
    expect(() => checkInRange('o', 'n', 1, '[0, 1)')).toThrow('o n must be in [0, 1); got 1')
    expect(() => checkInRange('o', 'n', 0, '(0, 1]')).toThrow('o n must be in (0, 1]; got 0')
    expect(checkInRange('o', 'n', 1, '(0, 1]')).toBe(1)
    expect(checkInRange('o', 'n', 1, '[0, 1]')).toBe(1)
    expect(() => checkInRange('o', 'n', 0, '(0, 1)')).toThrow(HyperparameterError)
    expect(() => checkInRange('o', 'n', 1, '(0, 1)')).toThrow(HyperparameterError)
    expect(() => checkInRange('o', 'n', -1e-12, '[0, 1]')).toThrow(HyperparameterError)
    expect(() => checkInRange('o', 'n', 1 + 1e-12, '[0, 1]')).toThrow(HyperparameterError)
  })

  test('infinite bounds', () => {
    expect(checkInRange('o', 'n', 1e308, '(0, Infinity)')).toBe(1e308)
    expect(() => checkInRange('o', 'n', Infinity, '(0, Infinity)')).toThrow(
      'o n must be in (0, Infinity); got Infinity',
    )
    expect(checkInRange('o', 'n', Infinity, '[0, Infinity]')).toBe(Infinity)
    expect(checkInRange('o', 'n', -5, '(-Infinity, 0]')).toBe(-5)
    expect(() => checkInRange('o', 'n', -Infinity, '(-Infinity, 0]')).toThrow(HyperparameterError)
  })

  test('negative and exponent bounds', () => {
    expect(checkInRange('o', 'n', -1, '[-1, 1]')).toBe(-1)
    expect(() => checkInRange('o', 'n', -1.5, '[-1, 1]')).toThrow('o n must be in [-1, 1]; got -1.5')
    expect(checkInRange('o', 'n', 1e-8, '[1e-8, 1e3]')).toBe(1e-8)
    expect(() => checkInRange('o', 'n', 1e-9, '[1e-8, 1e3]')).toThrow(HyperparameterError)
    expect(() => checkInRange('o', 'n', 1001, '[1e-8, 1e3]')).toThrow(HyperparameterError)
  })

  test('NaN is never in range', () => {
    expect(() => checkInRange('o', 'n', NaN, '(-Infinity, Infinity)')).toThrow(
      'o n must be in (-Infinity, Infinity); got NaN',
    )
    expect(() => checkInRange('o', 'n', NaN, '[0, 1]')).toThrow(HyperparameterError)
  })

  test('non-numbers are rejected, strings quoted', () => {
    expect(() => checkInRange('o', 'n', '0.5', '[0, 1]')).toThrow('o n must be in [0, 1]; got "0.5"')
    expect(() => checkInRange('o', 'n', undefined, '[0, 1]')).toThrow('o n must be in [0, 1]; got undefined')
    expect(() => checkInRange('o', 'n', null, '[0, 1]')).toThrow('o n must be in [0, 1]; got null')
    expect(() => checkInRange('o', 'n', true, '[0, 1]')).toThrow('o n must be in [0, 1]; got true')
    expect(() => checkInRange('o', 'n', 1n, '[0, 1]')).toThrow('o n must be in [0, 1]; got 1')
    expect(() => checkInRange('o', 'n', [0.5], '[0, 1]')).toThrow(HyperparameterError)
  })

  // An interval's form ('[lo, hi)') is checked by the compiler (test/types/hyperparams.test-d.ts); lo ≤ hi here, for
  // every interval literal in src (the one interval built at run time, joinSchedules', is (finite, Infinity)).
  test('every interval literal in src has lo ≤ hi', () => {
    const files = (readdirSync('src', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))
    const bound = String.raw`-?(?:Infinity|\d[\d.e+-]*)`
    const literal = new RegExp(String.raw`'[[(](${bound}), (${bound})[\])]'`, 'g')
    const intervals = files.flatMap((f) => [...readFileSync(join('src', f), 'utf8').matchAll(literal)])
    expect(intervals.length).toBeGreaterThan(100)
    const bad = intervals.filter(([, lo, hi]) => !(Number(lo) <= Number(hi))).map(([m]) => m)
    expect(bad).toEqual([])
    expect(
      [..."'(1, 0]' '[0, NaN)'".matchAll(literal)].filter(([, lo, hi]) => !(Number(lo) <= Number(hi))),
    ).toHaveLength(1)
  })
})

describe('checkInteger', () => {
  test('accepts integers in range and returns them', () => {
    expect(checkInteger('o', 'n', 3, '[1, Infinity)')).toBe(3)
    expect(checkInteger('o', 'n', 0, '[0, 10]')).toBe(0)
  })

  test('a fraction is rejected with an integer message', () => {
    expect(() => checkInteger('multiSteps', 'options.everyK', 2.5, '[1, Infinity)')).toThrow(
      'multiSteps options.everyK must be an integer in [1, Infinity); got 2.5',
    )
  })

  test('out of range is rejected with the range message', () => {
    expect(() => checkInteger('o', 'n', 0, '[1, Infinity)')).toThrow('o n must be in [1, Infinity); got 0')
    expect(() => checkInteger('o', 'n', NaN, '[1, Infinity)')).toThrow(HyperparameterError)
    expect(() => checkInteger('o', 'n', '2', '[1, Infinity)')).toThrow('got "2"')
  })
})

describe('checkScalarOrSchedule', () => {
  test('a function is returned checked where it is evaluated: the same finite values, an error for a bad one', () => {
    const s = (count: number) => (count < 3 ? 0.1 * count : NaN)
    const checked = checkScalarOrSchedule('sgd', 'learningRate', s) as (count: number) => number
    expect([0, 1, 2].map(checked)).toEqual([0, 0.1, 0.2])
    expect(() => checked(3)).toThrow('sgd learningRate: the schedule returned NaN at step 3')
  })

  test('a number is checked against the interval (all reals by default)', () => {
    expect(checkScalarOrSchedule('sgd', 'learningRate', -0.1)).toBe(-0.1)
    expect(checkScalarOrSchedule('sgd', 'learningRate', 0.1, '(0, Infinity)')).toBe(0.1)
    expect(() => checkScalarOrSchedule('sgd', 'learningRate', -0.1, '(0, Infinity)')).toThrow(
      'sgd learningRate must be in (0, Infinity); got -0.1',
    )
    expect(() => checkScalarOrSchedule('sgd', 'learningRate', NaN)).toThrow(
      'sgd learningRate must be in (-Infinity, Infinity); got NaN',
    )
    expect(() => checkScalarOrSchedule('sgd', 'learningRate', Infinity)).toThrow(HyperparameterError)
  })

  test('anything else names both accepted forms', () => {
    expect(() => checkScalarOrSchedule('sgd', 'learningRate', '0.1')).toThrow(
      'sgd learningRate must be a number or a schedule (count) => number; got "0.1"',
    )
    expect(() => checkScalarOrSchedule('sgd', 'learningRate', undefined)).toThrow(
      'sgd learningRate must be a number or a schedule (count) => number; got undefined',
    )
    expect(() => checkScalarOrSchedule('sgd', 'learningRate', { value: 1 })).toThrow(HyperparameterError)
  })
})

describe('checkBoolean', () => {
  test('true and false pass through', () => {
    expect(checkBoolean('trace', 'options.nesterov', true)).toBe(true)
    expect(checkBoolean('trace', 'options.nesterov', false)).toBe(false)
  })

  test('anything else is rejected', () => {
    expect(() => checkBoolean('trace', 'options.nesterov', 'true')).toThrow(
      'trace options.nesterov must be true or false; got "true"',
    )
    expect(() => checkBoolean('trace', 'options.nesterov', 1)).toThrow(
      'trace options.nesterov must be true or false; got 1',
    )
    expect(() => checkBoolean('trace', 'options.nesterov', undefined)).toThrow(HyperparameterError)
  })
})
