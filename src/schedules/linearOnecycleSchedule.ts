import { checkInRange } from '../core/hyperparams'
import type { Schedule } from '../core/types'
import { piecewiseInterpolateSchedule } from './piecewiseInterpolateSchedule'

/**
 * Options of {@link linearOnecycleSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface LinearOnecycleScheduleOptions {
  /** The length of the cycle, after which the value stays at its final value. Must be in (0, Infinity). */
  readonly transitionSteps: number
  /** The highest value, reached at step `⌊pctStart·transitionSteps⌋`. Must be finite. */
  readonly peakValue: number
  /**
   * The fraction of the cycle spent rising from `peakValue/divFactor` to `peakValue`. Must be finite.
   * @defaultValue 0.3
   */
  readonly pctStart?: number
  /**
   * The fraction of the cycle after which the value is back at `peakValue/divFactor`. Must be finite.
   * @defaultValue 0.85
   */
  readonly pctFinal?: number
  /**
   * The initial value is `peakValue / divFactor`. Must be finite and nonzero.
   * @defaultValue 25
   */
  readonly divFactor?: number
  /**
   * The final value is `peakValue / divFactor / finalDivFactor`. Must be finite and nonzero.
   * @defaultValue 1e4
   */
  readonly finalDivFactor?: number
}

/**
 * The one-cycle learning-rate policy with three linear phases (Smith & Topin's super-convergence).
 *
 * The value rises linearly from `peakValue/divFactor` to `peakValue`, falls back linearly to
 * `peakValue/divFactor`, then anneals linearly to `peakValue/divFactor/finalDivFactor`, reached at
 * `transitionSteps` and kept after it. It is {@link piecewiseInterpolateSchedule}('linear', …) with the boundaries
 * `⌊pctStart·T⌋`, `⌊pctFinal·T⌋` and `T`, exactly as optax's `linear_onecycle_schedule` (when two boundaries
 * coincide, the later scale wins, as in optax's dict).
 *
 * ```text
 * I = P/d,  T₁ = ⌊pct_start·T⌋,  T₂ = ⌊pct_final·T⌋
 * s(t) = I + (P − I)·t/T₁                        0 ≤ t < T₁
 *        P + (I − P)·(t − T₁)/(T₂ − T₁)          T₁ ≤ t < T₂
 *        I + (I/d_f − I)·(t − T₂)/(T − T₂)       T₂ ≤ t < T
 *        I/d_f                                   t ≥ T
 * ```
 * with P = peakValue, d = divFactor, d_f = finalDivFactor, T = transitionSteps.
 *
 * References: Smith & Topin, Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates,
 * 2017, https://arxiv.org/abs/1708.07120.
 *
 * @param transitionSteps - the cycle length, or the whole {@link LinearOnecycleScheduleOptions}.
 * @param peakValue - the peak value (when `transitionSteps` is given positionally).
 * @param options - the other options (when `transitionSteps` is given positionally).
 * @returns a {@link Schedule} mapping a step count to the value.
 * @throws HyperparameterError if `transitionSteps ≤ 0`, a value is not a finite number, or a divisor is 0.
 * @example
 * import { linearOnecycleSchedule } from 'descent-ts'
 * const s = linearOnecycleSchedule(100, 1, { divFactor: 10, finalDivFactor: 100 })
 * assert.strictEqual(s(0), 0.1)
 * assert.strictEqual(s(30), 1) // the peak, at ⌊0.3·100⌋
 * assert.ok(Math.abs(s(85) - 0.1) < 1e-15) // back to the initial value at ⌊0.85·100⌋
 * assert.ok(Math.abs(s(100) - 0.001) < 1e-15)
 * @see {@link cosineOnecycleSchedule}, {@link piecewiseInterpolateSchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.linear_onecycle_schedule
 * @category schedules
 * @since 0.1.0
 */
export function linearOnecycleSchedule(
  transitionSteps: number | LinearOnecycleScheduleOptions,
  peakValue?: number,
  options: Omit<LinearOnecycleScheduleOptions, 'transitionSteps' | 'peakValue'> = {},
): Schedule {
  const owner = 'linearOnecycleSchedule'
  const positional = typeof transitionSteps === 'number'
  const o = (
    positional ? { ...options, transitionSteps, peakValue } : (transitionSteps ?? {})
  ) as Partial<LinearOnecycleScheduleOptions>
  const p = positional ? '' : 'options.'
  const any = '(-Infinity, Infinity)'
  const steps = checkInRange(owner, `${p}transitionSteps`, o.transitionSteps, '(0, Infinity)')
  const peak = checkInRange(owner, `${p}peakValue`, o.peakValue, any)
  const pctStart = checkInRange(owner, 'options.pctStart', o.pctStart ?? 0.3, any)
  const pctFinal = checkInRange(owner, 'options.pctFinal', o.pctFinal ?? 0.85, any)
  const div = checkNonzero(owner, 'options.divFactor', o.divFactor ?? 25)
  const finalDiv = checkNonzero(owner, 'options.finalDivFactor', o.finalDivFactor ?? 1e4)
  const scales: Record<number, number> = {}
  scales[Math.trunc(pctStart * steps)] = div
  scales[Math.trunc(pctFinal * steps)] = 1 / div
  scales[steps] = 1 / finalDiv
  return piecewiseInterpolateSchedule('linear', peak / div, scales)
}

/** A finite, nonzero divisor. */
function checkNonzero(owner: string, name: string, value: unknown): number {
  const v = checkInRange(owner, name, value, '(-Infinity, Infinity)')
  if (v === 0) checkInRange(owner, name, value, '(0, Infinity)')
  return v
}
