import { checkInRange } from '../core/hyperparams'
import type { Schedule } from '../core/types'

/**
 * Options of {@link constantSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface ConstantScheduleOptions {
  /** The value returned at every step. Must be finite. */
  readonly value: number
}

/**
 * A schedule that returns the same value at every step.
 *
 * The simplest schedule: useful as a default, as a piece of {@link joinSchedules}, or wherever a
 * {@link Schedule} is required but the hyperparameter should not change. Mirrors optax's `constant_schedule`.
 *
 * ```text
 * s(t) = v
 * ```
 *
 * @param valueOrOptions - the value, or `{ value }`.
 * @returns a {@link Schedule} mapping every step count to `value`.
 * @throws HyperparameterError if `value` is not a finite number.
 * @example
 * import { constantSchedule } from 'descent-ts'
 * const s = constantSchedule(0.1)
 * assert.strictEqual(s(0), 0.1)
 * assert.strictEqual(s(1000), 0.1)
 * assert.strictEqual(constantSchedule({ value: 5 })(7), 5)
 * @see {@link joinSchedules}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.constant_schedule
 * @category schedules
 * @since 0.1.0
 */
export function constantSchedule(valueOrOptions: number | ConstantScheduleOptions): Schedule {
  const positional = typeof valueOrOptions === 'number'
  const raw = positional ? valueOrOptions : (valueOrOptions as ConstantScheduleOptions | undefined)?.value
  const value = checkInRange('constantSchedule', positional ? 'value' : 'options.value', raw, '(-Infinity, Infinity)')
  return (_count: number): number => value
}
