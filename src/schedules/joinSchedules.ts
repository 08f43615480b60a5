import { HyperparameterError } from '../core/errors'
import { isOptionsObject } from '../core/firstArg'
import { checkInRange } from '../core/hyperparams'
import type { Schedule } from '../core/types'

/**
 * Options of {@link joinSchedules}: optax's `join_schedules(schedules, boundaries)` as one object.
 * @category schedules
 * @since 0.1.0
 */
export interface JoinSchedulesOptions {
  /** The pieces, at least one. */
  readonly schedules: readonly Schedule[]
  /** The steps at which the next piece takes over: `schedules.length − 1` finite numbers, strictly increasing. */
  readonly boundaries: readonly number[]
}

/**
 * Joins schedules end to end: each one takes over at its boundary and sees the steps since that boundary.
 *
 * `schedules[0]` runs from step 0; from `boundaries[i]` on, `schedules[i + 1]` runs and receives
 * `t − boundaries[i]`, so every piece starts at its own step 0. This is how warmup-then-decay schedules are built
 * ({@link warmupCosineDecaySchedule} is a join of a linear and a cosine piece). Mirrors optax's `join_schedules`.
 *
 * ```text
 * s(t) = s₀(t)               if t < b₀
 *        s_{i+1}(t − b_i)    if b_i ≤ t < b_{i+1}
 * ```
 *
 * @param schedules - the pieces, at least one (or a {@link JoinSchedulesOptions} object holding both arguments).
 * @param boundaries - the steps at which the next piece takes over: `schedules.length − 1` finite numbers in
 * strictly increasing order.
 * @returns a {@link Schedule} that runs the pieces one after another.
 * @throws HyperparameterError if a piece is not a function, the number of boundaries is not `schedules.length − 1`,
 * or the boundaries are not finite and strictly increasing.
 * @example
 * import { joinSchedules, linearSchedule, constantSchedule } from 'descent-ts'
 * const warmup = linearSchedule({ initValue: 0, endValue: 1, transitionSteps: 10 })
 * const s = joinSchedules([warmup, constantSchedule(1), constantSchedule(0.1)], [10, 100])
 * assert.strictEqual(s(5), 0.5)
 * assert.strictEqual(s(10), 1)
 * assert.strictEqual(s(100), 0.1)
 * const same = joinSchedules({ schedules: [warmup, constantSchedule(1)], boundaries: [10] }) // optax's keywords
 * assert.strictEqual(same(5), 0.5)
 * @see {@link warmupCosineDecaySchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.join_schedules
 * @category schedules
 * @since 0.1.0
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule
export function joinSchedules(options: JoinSchedulesOptions): Schedule
export function joinSchedules(
  schedulesOrOptions: readonly Schedule[] | JoinSchedulesOptions,
  positionalBoundaries?: readonly number[],
): Schedule {
  const owner = 'joinSchedules'
  const options = isOptionsObject(schedulesOrOptions)
  const { schedules, boundaries } = (
    options ? schedulesOrOptions : { schedules: schedulesOrOptions, boundaries: positionalBoundaries }
  ) as Partial<JoinSchedulesOptions>
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw new HyperparameterError(
      `${owner} schedules must be a non-empty array of schedules; got ${describe(schedules)}`,
    )
  }
  schedules.forEach((s, i) => {
    if (typeof s !== 'function') {
      const got = describe(s)
      throw new HyperparameterError(`${owner} schedules[${i}] must be a schedule (count) => number; got ${got}`)
    }
  })
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    const n = schedules.length - 1
    const got = describe(boundaries)
    throw new HyperparameterError(`${owner} boundaries must have schedules.length − 1 = ${n} entries; got ${got}`)
  }
  boundaries.forEach((b, i) => {
    const lo = i === 0 ? '-Infinity' : (boundaries[i - 1] as number)
    checkInRange(owner, `boundaries[${i}]`, b, `(${lo}, Infinity)`)
  })
  const first = schedules[0] as Schedule
  const pieces = schedules.slice(1).map((schedule, i) => ({ start: boundaries[i] as number, schedule }))
  return (count: number): number =>
    pieces.reduce((out, { start, schedule }) => (count < start ? out : schedule(count - start)), first(count))
}

const describe = (v: unknown): string => (Array.isArray(v) ? `an array of length ${v.length}` : String(v))
