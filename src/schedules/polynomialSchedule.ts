import { checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'

/**
 * Options of {@link polynomialSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface PolynomialScheduleOptions {
  /** The value before and at the start of the transition. Must be finite. */
  readonly initValue: number
  /** The value at the end of the transition and after it. Must be finite. */
  readonly endValue: number
  /** The power of the polynomial. Must be in [0, Infinity) (a negative power would blow up at the end). */
  readonly power: number
  /**
   * The number of steps over which the value moves from `initValue` to `endValue`. If `≤ 0`, the schedule is the
   * constant `initValue` (as in optax).
   */
  readonly transitionSteps: number
  /**
   * The step at which the transition starts; before it the value is held at `initValue`. A negative value falls
   * back to `0` (as in optax).
   * @defaultValue 0
   */
  readonly transitionBegin?: number
}

/**
 * A schedule with a polynomial transition from `initValue` to `endValue`.
 *
 * The value is held at `initValue` for `transitionBegin` steps, then follows a polynomial of degree `power` and
 * reaches `endValue` after `transitionSteps` more steps, where it stays. Mirrors optax's `polynomial_schedule`,
 * including its edge cases: `transitionSteps ≤ 0` gives the constant `initValue`, and a negative
 * `transitionBegin` is treated as `0`.
 *
 * ```text
 * c    = clip(t − B, 0, T)
 * s(t) = (I − E)·(1 − c/T)^p + E
 * ```
 * with I = initValue, E = endValue, p = power, T = transitionSteps, B = transitionBegin.
 *
 * @returns a {@link Schedule} mapping a step count to the annealed value.
 * @throws HyperparameterError if a value is not a finite number or `power` is negative.
 * @example
 * import { polynomialSchedule } from 'descent-ts'
 * const s = polynomialSchedule({ initValue: 1, endValue: 0, power: 2, transitionSteps: 10 })
 * assert.strictEqual(s(0), 1)
 * assert.strictEqual(s(5), 0.25) // (1 − 5/10)² = 0.25
 * assert.strictEqual(s(20), 0)
 * assert.strictEqual(polynomialSchedule(1, { endValue: 0, power: 2, transitionSteps: 10 })(5), 0.25) // initValue first, as in optax
 * @see {@link linearSchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.polynomial_schedule
 * @category schedules
 * @since 0.1.0
 */
export function polynomialSchedule(options: PolynomialScheduleOptions): Schedule
export function polynomialSchedule(initValue: number, options: Omit<PolynomialScheduleOptions, 'initValue'>): Schedule
export function polynomialSchedule(
  initValueOrOptions: number | PolynomialScheduleOptions,
  rest?: Omit<PolynomialScheduleOptions, 'initValue'>,
): Schedule {
  const owner = 'polynomialSchedule'
  const any = '(-Infinity, Infinity)'
  const [o, initName] = firstArg<Partial<PolynomialScheduleOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  const initValue = checkInRange(owner, initName, o.initValue, any)
  const endValue = checkInRange(owner, 'options.endValue', o.endValue, any)
  const power = checkInRange(owner, 'options.power', o.power, '[0, Infinity)')
  const transitionSteps = checkInRange(owner, 'options.transitionSteps', o.transitionSteps, any)
  const begin = Math.max(0, checkInRange(owner, 'options.transitionBegin', o.transitionBegin ?? 0, any))
  if (transitionSteps <= 0) return (_count: number): number => initValue
  return (count: number): number => {
    const c = Math.min(Math.max(count - begin, 0), transitionSteps)
    const frac = 1 - c / transitionSteps
    return (initValue - endValue) * frac ** power + endValue
  }
}
