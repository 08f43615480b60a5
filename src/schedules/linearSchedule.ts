import { checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'
import { polynomialSchedule } from './polynomialSchedule'

/**
 * Options of {@link linearSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface LinearScheduleOptions {
  /** The value before and at the start of the transition. Must be finite. */
  readonly initValue: number
  /** The value at the end of the transition and after it. Must be finite. */
  readonly endValue: number
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
 * A schedule with a linear transition from `initValue` to `endValue`.
 *
 * The value is held at `initValue` for `transitionBegin` steps, then moves linearly to `endValue` over
 * `transitionSteps` steps and stays there. It is {@link polynomialSchedule} with `power = 1`, as in optax's
 * `linear_schedule`; used for learning-rate warmup it is the "gradual warmup" of Goyal et al.
 *
 * ```text
 * c    = clip(t − B, 0, T)
 * s(t) = (I − E)·(1 − c/T) + E
 * ```
 * with I = initValue, E = endValue, T = transitionSteps, B = transitionBegin.
 *
 * References: Goyal et al., Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour, 2017,
 * https://arxiv.org/abs/1706.02677
 *
 * @returns a {@link Schedule} mapping a step count to the interpolated value.
 * @throws HyperparameterError if a value is not a finite number.
 * @example
 * import { linearSchedule } from 'descent-ts'
 * const s = linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 4, transitionBegin: 2 })
 * assert.strictEqual(s(0), 0)
 * assert.strictEqual(s(2), 0)
 * assert.strictEqual(s(4), 0.5) // halfway through the transition
 * assert.strictEqual(s(100), 1)
 * assert.strictEqual(linearSchedule(0, { endValue: 1, transitionSteps: 4 })(2), 0.5) // initValue first, as in optax
 * @see {@link polynomialSchedule}, {@link warmupConstantSchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.linear_schedule
 * @category schedules
 * @since 0.1.0
 */
export function linearSchedule(options: LinearScheduleOptions): Schedule
export function linearSchedule(initValue: number, options: Omit<LinearScheduleOptions, 'initValue'>): Schedule
export function linearSchedule(
  initValueOrOptions: number | LinearScheduleOptions,
  rest?: Omit<LinearScheduleOptions, 'initValue'>,
): Schedule {
  // Validated here so that errors name this schedule; polynomialSchedule then accepts the same values.
  const owner = 'linearSchedule'
  const any = '(-Infinity, Infinity)'
  const [o, initName] = firstArg<Partial<LinearScheduleOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  return polynomialSchedule({
    initValue: checkInRange(owner, initName, o.initValue, any),
    endValue: checkInRange(owner, 'options.endValue', o.endValue, any),
    power: 1,
    transitionSteps: checkInRange(owner, 'options.transitionSteps', o.transitionSteps, any),
    transitionBegin: checkInRange(owner, 'options.transitionBegin', o.transitionBegin ?? 0, any),
  })
}
