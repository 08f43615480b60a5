import { checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'
import { type ExponentialDecayOptions, exponentialDecay } from './exponentialDecay'
import { joinSchedules } from './joinSchedules'
import { linearSchedule } from './linearSchedule'

/**
 * Options of {@link warmupExponentialDecaySchedule}: a warmup, then the options of {@link exponentialDecay}
 * (whose `initValue` is the peak).
 * @category schedules
 * @since 0.1.0
 */
export interface WarmupExponentialDecayScheduleOptions extends Omit<ExponentialDecayOptions, 'initValue'> {
  /** The value at step 0, where the warmup starts. Must be finite. */
  readonly initValue: number
  /** The value at the end of the warmup, where the exponential decay starts. Must be finite. */
  readonly peakValue: number
  /** The length of the linear warmup. Must be in [0, Infinity). */
  readonly warmupSteps: number
}

/**
 * Linear warmup followed by exponential decay.
 *
 * The value rises linearly from `initValue` to `peakValue` over `warmupSteps` steps, then follows
 * {@link exponentialDecay} started at `peakValue`, which sees the steps since the end of the warmup (so its
 * `transitionBegin` counts from there). It is {@link joinSchedules} of {@link linearSchedule} and
 * {@link exponentialDecay}, exactly as optax's `warmup_exponential_decay_schedule`.
 *
 * ```text
 * s(t) = I + (P − I)·t/W                                   if t < W
 *        clip_E(P · r^((t − W − B)/T))                     if t ≥ W + B   (exponent floored when staircase)
 *        clip_E(P)                                         if W ≤ t < W + B
 * ```
 * with I = initValue, P = peakValue, W = warmupSteps, T = transitionSteps, r = decayRate,
 * B = transitionBegin and clip_E the optional `endValue` bound.
 *
 * References: Goyal et al., Accurate, Large Minibatch SGD, 2017, https://arxiv.org/abs/1706.02677 (warmup).
 *
 * @returns a {@link Schedule} mapping a step count to the value.
 * @throws HyperparameterError if `warmupSteps < 0`, or a value is invalid for {@link linearSchedule} or
 * {@link exponentialDecay}.
 * @example
 * import { warmupExponentialDecaySchedule } from 'descent-ts'
 * const s = warmupExponentialDecaySchedule({
 *   initValue: 0, peakValue: 1, warmupSteps: 10, transitionSteps: 5, decayRate: 0.5,
 * })
 * assert.strictEqual(s(5), 0.5)
 * assert.strictEqual(s(10), 1)
 * assert.strictEqual(s(15), 0.5) // one transition after the warmup
 * assert.strictEqual(s(20), 0.25)
 * const t = warmupExponentialDecaySchedule(0, { peakValue: 1, warmupSteps: 10, transitionSteps: 5, decayRate: 0.5 })
 * assert.strictEqual(t(20), 0.25) // initValue first, as in optax
 * @see {@link exponentialDecay}, {@link warmupCosineDecaySchedule}, {@link joinSchedules}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.warmup_exponential_decay_schedule
 * @category schedules
 * @since 0.1.0
 */
export function warmupExponentialDecaySchedule(options: WarmupExponentialDecayScheduleOptions): Schedule
export function warmupExponentialDecaySchedule(
  initValue: number,
  options: Omit<WarmupExponentialDecayScheduleOptions, 'initValue'>,
): Schedule
export function warmupExponentialDecaySchedule(
  initValueOrOptions: number | WarmupExponentialDecayScheduleOptions,
  rest?: Omit<WarmupExponentialDecayScheduleOptions, 'initValue'>,
): Schedule {
  const owner = 'warmupExponentialDecaySchedule'
  const [o, initName] = firstArg<Partial<WarmupExponentialDecayScheduleOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  const any = '(-Infinity, Infinity)'
  const initValue = checkInRange(owner, initName, o.initValue, any)
  const peakValue = checkInRange(owner, 'options.peakValue', o.peakValue, any)
  const warmupSteps = checkInRange(owner, 'options.warmupSteps', o.warmupSteps, '[0, Infinity)')
  const { warmupSteps: _w, initValue: _i, peakValue: _p, ...decay } = o as WarmupExponentialDecayScheduleOptions
  return joinSchedules(
    [
      linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }),
      exponentialDecay({ ...decay, initValue: peakValue }),
    ],
    [warmupSteps],
  )
}
