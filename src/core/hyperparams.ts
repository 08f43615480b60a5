import { HyperparameterError } from './errors'
import type { ScalarOrSchedule } from './types'

/**
 * @internal Checks a numeric hyperparameter against an interval written in math notation, such as `'[0, 1)'` or
 * `'(0, Infinity)'`, and throws a {@link HyperparameterError} like `scaleByAdam options.b1 must be in [0, 1); got 1.2`.
 * Returns the value so that it can be used inline.
 */
export function checkInRange(owner: string, name: string, value: unknown, interval: string): number {
  const m = /^([[(])\s*(-?[\d.e+-]+|-?Infinity)\s*,\s*(-?[\d.e+-]+|-?Infinity)\s*([\])])$/.exec(interval)
  if (m === null) throw new Error(`internal: bad interval ${interval}`)
  const lo = Number(m[2])
  const hi = Number(m[3])
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (m[1] === '[' ? value >= lo : value > lo) &&
    (m[4] === ']' ? value <= hi : value < hi)
  if (!ok) throw new HyperparameterError(`${owner} ${name} must be in ${interval}; got ${describe(value)}`)
  return value as number
}

/** @internal Checks that a hyperparameter is an integer in an interval (e.g. a number of steps). */
export function checkInteger(owner: string, name: string, value: unknown, interval: string): number {
  checkInRange(owner, name, value, interval)
  if (!Number.isInteger(value))
    throw new HyperparameterError(`${owner} ${name} must be an integer in ${interval}; got ${describe(value)}`)
  return value as number
}

/** @internal Checks a value that may be a constant (in an interval) or a schedule function. */
export function checkScalarOrSchedule(
  owner: string,
  name: string,
  value: unknown,
  interval = '(-Infinity, Infinity)',
): ScalarOrSchedule {
  if (typeof value === 'function') return value as ScalarOrSchedule
  if (typeof value !== 'number') {
    throw new HyperparameterError(
      `${owner} ${name} must be a number or a schedule (count) => number; got ${describe(value)}`,
    )
  }
  return checkInRange(owner, name, value, interval)
}

/** @internal Checks a boolean option. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new HyperparameterError(`${owner} ${name} must be true or false; got ${describe(value)}`)
  return value
}

const describe = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v))
