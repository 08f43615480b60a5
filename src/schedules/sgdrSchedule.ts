import { HyperparameterError } from '../core/errors'
import { isOptionsObject } from '../core/firstArg'
import type { Schedule } from '../core/types'
import { joinSchedules } from './joinSchedules'
import { type WarmupCosineDecayScheduleOptions, warmupCosineDecaySchedule } from './warmupCosineDecaySchedule'

/**
 * Options of {@link sgdrSchedule}: optax's `sgdr_schedule(cosine_kwargs)` as one object.
 * @category schedules
 * @since 0.1.0
 */
export interface SgdrScheduleOptions {
  /** The options of each cycle, at least one; each is a {@link warmupCosineDecaySchedule}'s options. */
  readonly cycles?: readonly WarmupCosineDecayScheduleOptions[]
  /** optax's name for `cycles` (`cosine_kwargs`); used when `cycles` is absent. */
  readonly cosineKwargs?: readonly WarmupCosineDecayScheduleOptions[]
}

/**
 * SGD with warm restarts: warmup-cosine cycles joined end to end.
 *
 * Each cycle is a {@link warmupCosineDecaySchedule} with its own options; a cycle lasts its `decaySteps` (warmup
 * included), then the next one starts from its own step 0. Mirrors optax's `sgdr_schedule`, whose argument is the
 * list of keyword dicts of the cycles.
 *
 * ```text
 * D_k = Σ_{j<k} decaySteps_j
 * s(t) = cycle_k(t − D_k)      for D_k ≤ t < D_{k+1}   (the last cycle also for every t after it)
 * ```
 *
 * References: Loshchilov & Hutter, SGDR: Stochastic Gradient Descent with Warm Restarts, 2017,
 * https://arxiv.org/abs/1608.03983.
 *
 * @param cycles - the options of each cycle, at least one (or a {@link SgdrScheduleOptions} object `{ cycles }`).
 * @returns a {@link Schedule} mapping a step count to the value.
 * @throws HyperparameterError if `cycles` is empty or a cycle's options are invalid for
 * {@link warmupCosineDecaySchedule}.
 * @example
 * import { sgdrSchedule } from 'descent-ts'
 * const cycle = { initValue: 0, peakValue: 1, warmupSteps: 2, decaySteps: 10 }
 * const s = sgdrSchedule([cycle, { ...cycle, peakValue: 0.5 }])
 * assert.strictEqual(s(2), 1) // peak of the first cycle
 * assert.strictEqual(s(10), 0) // the restart: the second cycle's warmup starts at 0
 * assert.strictEqual(s(12), 0.5)
 * assert.strictEqual(sgdrSchedule({ cycles: [cycle] })(2), 1) // the options form
 * assert.strictEqual(sgdrSchedule({ cosineKwargs: [cycle] })(2), 1) // optax's name for the cycles
 * @see {@link warmupCosineDecaySchedule}, {@link joinSchedules}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.sgdr_schedule
 * @category schedules
 * @since 0.1.0
 */
export function sgdrSchedule(cycles: readonly WarmupCosineDecayScheduleOptions[] | SgdrScheduleOptions): Schedule {
  if (!isOptionsObject(cycles)) return sgdrOf(cycles)
  const o = cycles as SgdrScheduleOptions
  return sgdrOf(o.cycles ?? o.cosineKwargs)
}

function sgdrOf(cycles: readonly WarmupCosineDecayScheduleOptions[] | undefined): Schedule {
  if (!Array.isArray(cycles) || cycles.length === 0) {
    const got = Array.isArray(cycles) ? 'an empty array' : String(cycles)
    throw new HyperparameterError(
      `sgdrSchedule cycles must be a non-empty array of warmupCosineDecaySchedule options; got ${got}`,
    )
  }
  const schedules = cycles.map((c) => warmupCosineDecaySchedule(c))
  const ends = cycles.map((_, i) => cycles.slice(0, i + 1).reduce((sum, c) => sum + c.decaySteps, 0))
  return joinSchedules(schedules, ends.slice(0, -1))
}
