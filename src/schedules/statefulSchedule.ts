import { HyperparameterError } from '../core/errors'
import { safeIncrement } from '../core/safeIncrement'
import type { ExtraArgs, Schedule } from '../core/types'

/**
 * A schedule with a state of its own (optax's `base.StatefulSchedule`): its value may depend on anything the
 * training loop passes to `update` as extra arguments (a loss, a validation metric), not only on the step count.
 * optax's `__call__` is `value` here (a plain function would be taken for a {@link Schedule} of the count).
 * {@link injectStatefulHyperparams} evaluates `value(state, extra)` before each update, then advances the state with
 * `update(state, extra)`.
 * ```text
 * s₀ = init(),   h_t = value(s_t, extra_t),   s_{t+1} = update(s_t, extra_t)
 * ```
 * @example
 * import { type StatefulSchedule } from 'descent-ts'
 * // The sum of the `addendum` extra arguments seen so far (optax's ExampleStatefulSchedule).
 * const total: StatefulSchedule<{ readonly total: number }> = {
 *   init: () => ({ total: 0 }),
 *   update: (s, extra) => ({ total: s.total + Number(extra.addendum) }),
 *   value: (s) => s.total,
 * }
 * const s1 = total.update(total.init(), { addendum: 0.3 })
 * assert.strictEqual(total.value(s1, {}), 0.3)
 * @category schedules
 * @since 0.1.0
 */
export interface StatefulSchedule<S = unknown> {
  /** The initial state. */
  init(): S
  /** The state after one more update, given that update's extra arguments. */
  update(state: S, extra: ExtraArgs): S
  /** The hyperparameter's value at `state` (optax's `__call__`). */
  value(state: S, extra: ExtraArgs): number
}

/**
 * State of {@link wrappedSchedule}: the step count.
 * @category schedules
 * @since 0.1.0
 */
export interface WrappedScheduleState {
  /** The number of updates so far. */
  readonly count: number
}

/**
 * A schedule of the step count as a {@link StatefulSchedule} whose state is the count (optax's `WrappedSchedule`,
 * which `inject_hyperparams` wraps every plain schedule in).
 * ```text
 * init() = { count: 0 },   update(s) = { count: s.count + 1 },   value(s) = schedule(s.count)
 * ```
 * @param schedule - A function of the step count.
 * @returns a {@link StatefulSchedule} with a {@link WrappedScheduleState}.
 * @throws HyperparameterError when `schedule` is not a function.
 * @example
 * import { linearSchedule, wrappedSchedule } from 'descent-ts'
 * const s = wrappedSchedule(linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 10 }))
 * const next = s.update(s.update(s.init(), {}), {})
 * assert.deepStrictEqual(next, { count: 2 })
 * assert.ok(Math.abs(s.value(next, {}) - 0.8) < 1e-12)
 * @see injectStatefulHyperparams
 * @category schedules
 * @since 0.1.0
 */
export function wrappedSchedule(schedule: Schedule): StatefulSchedule<WrappedScheduleState> {
  if (typeof schedule !== 'function') {
    throw new HyperparameterError(`wrappedSchedule: schedule must be a function of the step count; got ${schedule}`)
  }
  return {
    init: () => ({ count: 0 }),
    update: (state) => ({ count: safeIncrement(state.count) }),
    value: (state) => schedule(state.count),
  }
}

/** @internal True for an object with `init`, `update` and `value` methods (a {@link StatefulSchedule}). */
export const isStatefulSchedule = (x: unknown): x is StatefulSchedule =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as StatefulSchedule).init === 'function' &&
  typeof (x as StatefulSchedule).update === 'function' &&
  typeof (x as StatefulSchedule).value === 'function'
