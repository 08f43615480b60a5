import { checkedSchedule } from '../core/hyperparams'
import { HyperparameterError } from '../core/errors'
import type { GradientTransformation, Schedule } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { scheduledScaling } from './_internal/scaling'

/**
 * Options of {@link scaleBySchedule}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByScheduleOptions {
  /**
   * The step size as a function of the 0-based step count.
   * @defaultValue required
   */
  readonly stepSizeFn: Schedule
}

/**
 * State of {@link scaleBySchedule}: the number of updates done so far.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByScheduleState {
  /** Number of updates done so far; the next update uses `stepSizeFn(count)`. */
  readonly count: number
}

/**
 * Multiplies every update by a step size that follows a schedule.
 *
 * The schedule is evaluated on the host, in float64, at the count *before* the increment, so the first update
 * uses `stepSizeFn(0)`, as in optax. Tensor updates keep their dtype.
 *
 * ```text
 * u_t = stepSizeFn(count) · g_t        count ← count + 1
 * ```
 *
 * @param stepSizeFn - The schedule, positionally or as {@link ScaleByScheduleOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByScheduleState}.
 * @throws HyperparameterError when `stepSizeFn` is not a function.
 * @example
 * import { scaleBySchedule } from 'descent-ts'
 * const tx = scaleBySchedule((count) => 10 ** -count)
 * const [u1, s1] = tx.update([2], tx.init([0]))
 * const [u2, s2] = tx.update([2], s1)
 * assert.deepStrictEqual([u1, u2, s2.count], [[2], [0.2], 2])
 * @see scaleByLearningRate, scale
 * @category transforms
 * @since 0.1.0
 */
export function scaleBySchedule(
  stepSizeFn: Schedule | ScaleByScheduleOptions,
): GradientTransformation<ScaleByScheduleState> {
  const [options, name] = firstArg<ScaleByScheduleOptions, 'stepSizeFn'>(stepSizeFn, 'stepSizeFn')
  if (typeof options.stepSizeFn !== 'function') {
    throw new HyperparameterError(
      `scaleBySchedule ${name} must be a schedule (count) => number; got ${String(options.stepSizeFn)}`,
    )
  }
  return scheduledScaling(checkedSchedule('scaleBySchedule', name, options.stepSizeFn), { kind: 'scale' })
}
