import { checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'
import { linearSchedule } from './linearSchedule'

/**
 * Options of {@link warmupConstantSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface WarmupConstantScheduleOptions {
  /** The value at step 0, where the warmup starts. Must be finite. */
  readonly initValue: number
  /** The value reached at the end of the warmup and held from then on. Must be finite. */
  readonly peakValue: number
  /** The length of the linear warmup. Must be in [0, Infinity); `0` gives the constant `initValue` (as in optax). */
  readonly warmupSteps: number
}

/**
 * Linear warmup followed by a constant value (no decay).
 *
 * The value rises linearly from `initValue` to `peakValue` over `warmupSteps` steps, then stays at `peakValue`.
 * It is {@link linearSchedule} from `initValue` to `peakValue`, exactly as optax's `warmup_constant_schedule`.
 *
 * ```text
 * s(t) = I + (P − I)·min(t, W)/W
 * ```
 * with I = initValue, P = peakValue, W = warmupSteps.
 *
 * References: Goyal et al., Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour, 2017,
 * https://arxiv.org/abs/1706.02677
 *
 * @returns a {@link Schedule} mapping a step count to the value.
 * @throws HyperparameterError if `warmupSteps < 0` or a value is not a finite number.
 * @example
 * import { warmupConstantSchedule } from 'descent-ts'
 * const s = warmupConstantSchedule({ initValue: 0, peakValue: 0.1, warmupSteps: 4 })
 * assert.strictEqual(s(0), 0)
 * assert.strictEqual(s(2), 0.05)
 * assert.strictEqual(s(4), 0.1)
 * assert.strictEqual(s(1000), 0.1)
 * assert.strictEqual(warmupConstantSchedule(0, { peakValue: 0.1, warmupSteps: 4 })(2), 0.05) // initValue first, as in optax
 * @see {@link linearSchedule}, {@link warmupCosineDecaySchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.warmup_constant_schedule
 * @category schedules
 * @since 0.1.0
 */
export function warmupConstantSchedule(options: WarmupConstantScheduleOptions): Schedule
export function warmupConstantSchedule(
  initValue: number,
  options: Omit<WarmupConstantScheduleOptions, 'initValue'>,
): Schedule
export function warmupConstantSchedule(
  initValueOrOptions: number | WarmupConstantScheduleOptions,
  rest?: Omit<WarmupConstantScheduleOptions, 'initValue'>,
): Schedule {
  const owner = 'warmupConstantSchedule'
  const any = '(-Infinity, Infinity)'
  const [o, initName] = firstArg<Partial<WarmupConstantScheduleOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  return linearSchedule({
    initValue: checkInRange(owner, initName, o.initValue, any),
    endValue: checkInRange(owner, 'options.peakValue', o.peakValue, any),
    transitionSteps: checkInRange(owner, 'options.warmupSteps', o.warmupSteps, '[0, Infinity)'),
  })
}
