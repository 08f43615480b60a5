import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'
import { cosineDecaySchedule } from './cosineDecaySchedule'
import { joinSchedules } from './joinSchedules'
import { linearSchedule } from './linearSchedule'

/**
 * Options of {@link warmupCosineDecaySchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface WarmupCosineDecayScheduleOptions {
  /** The value at step 0, where the warmup starts. Must be finite. */
  readonly initValue: number
  /** The value at the end of the warmup, where the cosine decay starts. Must be finite. */
  readonly peakValue: number
  /** The length of the linear warmup. Must be in [0, Infinity). */
  readonly warmupSteps: number
  /**
   * The total length of the schedule, **warmup included**: the cosine decay lasts `decaySteps − warmupSteps` steps.
   * Must be greater than `warmupSteps`.
   */
  readonly decaySteps: number
  /**
   * The value at the end of the decay and after it. Must be finite.
   * @defaultValue 0
   */
  readonly endValue?: number
  /**
   * The exponent applied to the cosine factor, as in {@link cosineDecaySchedule}. Must be in [0, Infinity).
   * @defaultValue 1
   */
  readonly exponent?: number
}

/**
 * Linear warmup followed by cosine decay: the usual learning-rate schedule for transformers.
 *
 * The value rises linearly from `initValue` to `peakValue` over `warmupSteps` steps, then follows a cosine from
 * `peakValue` down to `endValue`, reached at step `decaySteps` (which counts the warmup). It is
 * {@link joinSchedules} of {@link linearSchedule} and {@link cosineDecaySchedule} with
 * `alpha = endValue / peakValue` (`0` when `peakValue = 0`), exactly as optax's `warmup_cosine_decay_schedule`,
 * which also raises when `decaySteps = warmupSteps`.
 *
 * ```text
 * s(t) = I + (P − I)·t/W                                  if t < W
 *        P·((1 − α)·½(1 + cos(π·min(t − W, D − W)/(D − W)))^p + α)   otherwise,   α = E/P
 * ```
 * with I = initValue, P = peakValue, W = warmupSteps, D = decaySteps, E = endValue, p = exponent.
 *
 * References: Goyal et al., Accurate, Large Minibatch SGD, 2017, https://arxiv.org/abs/1706.02677 (warmup);
 * Loshchilov & Hutter, SGDR, 2017, https://arxiv.org/abs/1608.03983 (cosine decay).
 *
 * @returns a {@link Schedule} mapping a step count to the value.
 * @throws HyperparameterError if `decaySteps ≤ warmupSteps`, `warmupSteps < 0`, `exponent < 0`, or a value is not
 * a finite number.
 * @example
 * import { warmupCosineDecaySchedule } from 'descent-ts'
 * const s = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 110, endValue: 0.1 })
 * assert.strictEqual(s(0), 0)
 * assert.strictEqual(s(5), 0.5)
 * assert.strictEqual(s(10), 1) // the peak, where the decay starts
 * assert.ok(Math.abs(s(60) - 0.55) < 1e-12) // halfway through the decay: (1 − 0.1)·½ + 0.1
 * assert.ok(Math.abs(s(1000) - 0.1) < 1e-12)
 * assert.strictEqual(warmupCosineDecaySchedule(0, { peakValue: 1, warmupSteps: 10, decaySteps: 110 })(5), 0.5) // initValue first
 * @see {@link cosineDecaySchedule}, {@link linearSchedule}, {@link joinSchedules}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.warmup_cosine_decay_schedule
 * @category schedules
 * @since 0.1.0
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayScheduleOptions): Schedule
export function warmupCosineDecaySchedule(
  initValue: number,
  options: Omit<WarmupCosineDecayScheduleOptions, 'initValue'>,
): Schedule
export function warmupCosineDecaySchedule(
  initValueOrOptions: number | WarmupCosineDecayScheduleOptions,
  rest?: Omit<WarmupCosineDecayScheduleOptions, 'initValue'>,
): Schedule {
  const owner = 'warmupCosineDecaySchedule'
  const any = '(-Infinity, Infinity)'
  const [o, initName] = firstArg<Partial<WarmupCosineDecayScheduleOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  const initValue = checkInRange(owner, initName, o.initValue, any)
  const peakValue = checkInRange(owner, 'options.peakValue', o.peakValue, any)
  const warmupSteps = checkInRange(owner, 'options.warmupSteps', o.warmupSteps, '[0, Infinity)')
  const decaySteps = checkInRange(owner, 'options.decaySteps', o.decaySteps, '(0, Infinity)')
  if (!(decaySteps > warmupSteps)) {
    throw new HyperparameterError(
      `${owner} options.decaySteps must be greater than options.warmupSteps = ${warmupSteps} (it counts the warmup ` +
        `steps too; the cosine decay lasts decaySteps − warmupSteps steps); got ${decaySteps}`,
    )
  }
  const endValue = checkInRange(owner, 'options.endValue', o.endValue ?? 0, any)
  const exponent = checkInRange(owner, 'options.exponent', o.exponent ?? 1, '[0, Infinity)')
  const alpha = peakValue === 0 ? 0 : endValue / peakValue
  return joinSchedules(
    [
      linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }),
      cosineDecaySchedule({ initValue: peakValue, decaySteps: decaySteps - warmupSteps, alpha, exponent }),
    ],
    [warmupSteps],
  )
}
