import { checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'

/**
 * Options of {@link cosineDecaySchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface CosineDecayScheduleOptions {
  /** The value at step 0. Must be finite. */
  readonly initValue: number
  /** The number of steps of the decay; after it the value stays at `alpha·initValue`. Must be in (0, Infinity). */
  readonly decaySteps: number
  /**
   * The final multiplier: the value decays from `initValue` to `alpha·initValue`. Must be finite.
   * @defaultValue 0
   */
  readonly alpha?: number
  /**
   * The exponent applied to the cosine factor `½(1 + cos(π·t/T))`. Must be in [0, Infinity).
   * @defaultValue 1
   */
  readonly exponent?: number
}

/**
 * Cosine learning-rate decay (SGDR without restarts).
 *
 * The value follows half a cosine period from `initValue` down to `alpha·initValue` over `decaySteps` steps,
 * then stays there. An `exponent` other than 1 sharpens (`> 1`) or flattens (`< 1`) the curve. Mirrors optax's
 * `cosine_decay_schedule`, which also raises for `decaySteps ≤ 0`.
 *
 * ```text
 * c    = min(t, T)
 * s(t) = I·((1 − α)·(½(1 + cos(π·c/T)))^p + α)
 * ```
 * with I = initValue, T = decaySteps, α = alpha, p = exponent.
 *
 * References: Loshchilov & Hutter, SGDR: Stochastic Gradient Descent with Warm Restarts, 2017,
 * https://arxiv.org/abs/1608.03983
 *
 * @returns a {@link Schedule} mapping a step count to the decayed value.
 * @throws HyperparameterError if `decaySteps ≤ 0`, `exponent < 0`, or a value is not a finite number.
 * @example
 * import { cosineDecaySchedule } from 'descent-ts'
 * const s = cosineDecaySchedule({ initValue: 1, decaySteps: 100, alpha: 0.1 })
 * assert.strictEqual(s(0), 1)
 * assert.ok(Math.abs(s(50) - 0.55) < 1e-12) // (1 − 0.1)·½ + 0.1
 * assert.ok(Math.abs(s(500) - 0.1) < 1e-12)
 * assert.ok(Math.abs(cosineDecaySchedule(1, { decaySteps: 100, alpha: 0.1 })(50) - 0.55) < 1e-12) // initValue first
 * @see {@link warmupCosineDecaySchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.cosine_decay_schedule
 * @category schedules
 * @since 0.1.0
 */
export function cosineDecaySchedule(options: CosineDecayScheduleOptions): Schedule
export function cosineDecaySchedule(initValue: number, options: Omit<CosineDecayScheduleOptions, 'initValue'>): Schedule
export function cosineDecaySchedule(
  initValueOrOptions: number | CosineDecayScheduleOptions,
  rest?: Omit<CosineDecayScheduleOptions, 'initValue'>,
): Schedule {
  const owner = 'cosineDecaySchedule'
  const any = '(-Infinity, Infinity)'
  const [o, initName] = firstArg<Partial<CosineDecayScheduleOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  const initValue = checkInRange(owner, initName, o.initValue, any)
  const decaySteps = checkInRange(owner, 'options.decaySteps', o.decaySteps, '(0, Infinity)')
  const alpha = checkInRange(owner, 'options.alpha', o.alpha ?? 0, any)
  const exponent = checkInRange(owner, 'options.exponent', o.exponent ?? 1, '[0, Infinity)')
  return (count: number): number => {
    const c = Math.min(count, decaySteps)
    const cosine = 0.5 * (1 + Math.cos((Math.PI * c) / decaySteps))
    return initValue * ((1 - alpha) * cosine ** exponent + alpha)
  }
}
