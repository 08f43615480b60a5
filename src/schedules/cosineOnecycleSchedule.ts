import { checkInRange } from '../core/hyperparams'
import type { Schedule } from '../core/types'
import { piecewiseInterpolateSchedule } from './piecewiseInterpolateSchedule'

/**
 * Options of {@link cosineOnecycleSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface CosineOnecycleScheduleOptions {
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
 * The one-cycle learning-rate policy with two cosine phases (as PyTorch's `OneCycleLR` with `anneal_strategy='cos'`
 * and two phases).
 *
 * The value rises along half a cosine from `peakValue/divFactor` to `peakValue` at step `⌊pctStart·T⌋`, then falls
 * along half a cosine to `peakValue/(divFactor·finalDivFactor)` at step `T` and stays there. It is
 * {@link piecewiseInterpolateSchedule}('cosine', …), exactly as optax's `cosine_onecycle_schedule`.
 *
 * ```text
 * I = P/d,  E = I/d_f,  T₁ = ⌊pct_start·T⌋,  c(a, b, p) = b + (a − b)/2·(cos(π·p) + 1)
 * s(t) = c(I, P, t/T₁)                   0 ≤ t < T₁
 *        c(P, E, (t − T₁)/(T − T₁))      T₁ ≤ t < T
 *        E                               t ≥ T
 * ```
 * with P = peakValue, d = divFactor, d_f = finalDivFactor, T = transitionSteps.
 *
 * References: Smith & Topin, Super-Convergence: Very Fast Training of Neural Networks Using Large Learning Rates,
 * 2017, https://arxiv.org/abs/1708.07120.
 *
 * @param transitionSteps - the cycle length, or the whole {@link CosineOnecycleScheduleOptions}.
 * @param peakValue - the peak value (when `transitionSteps` is given positionally).
 * @param options - the other options (when `transitionSteps` is given positionally).
 * @returns a {@link Schedule} mapping a step count to the value.
 * @throws HyperparameterError if `transitionSteps ≤ 0`, a value is not a finite number, or a divisor is 0.
 * @example
 * import { cosineOnecycleSchedule } from 'descent-ts'
 * const s = cosineOnecycleSchedule({ transitionSteps: 100, peakValue: 1, pctStart: 0.2, divFactor: 4 })
 * assert.strictEqual(s(0), 0.25)
 * assert.ok(Math.abs(s(10) - 0.625) < 1e-15) // halfway up: (0.25 + 1)/2
 * assert.ok(Math.abs(s(20) - 1) < 1e-15) // the peak
 * assert.ok(Math.abs(s(100) - 0.25e-4) < 1e-18)
 * @see {@link linearOnecycleSchedule}, {@link piecewiseInterpolateSchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.cosine_onecycle_schedule
 * @category schedules
 * @since 0.1.0
 */
export function cosineOnecycleSchedule(
  transitionSteps: number | CosineOnecycleScheduleOptions,
  peakValue?: number,
  options: Omit<CosineOnecycleScheduleOptions, 'transitionSteps' | 'peakValue'> = {},
): Schedule {
  const owner = 'cosineOnecycleSchedule'
  const positional = typeof transitionSteps === 'number'
  const o = (
    positional ? { ...options, transitionSteps, peakValue } : (transitionSteps ?? {})
  ) as Partial<CosineOnecycleScheduleOptions>
  const p = positional ? '' : 'options.'
  const any = '(-Infinity, Infinity)'
  const steps = checkInRange(owner, `${p}transitionSteps`, o.transitionSteps, '(0, Infinity)')
  const peak = checkInRange(owner, `${p}peakValue`, o.peakValue, any)
  const pctStart = checkInRange(owner, 'options.pctStart', o.pctStart ?? 0.3, any)
  const div = checkNonzero(owner, 'options.divFactor', o.divFactor ?? 25)
  const finalDiv = checkNonzero(owner, 'options.finalDivFactor', o.finalDivFactor ?? 1e4)
  const scales: Record<number, number> = {}
  scales[Math.trunc(pctStart * steps)] = div
  scales[Math.trunc(steps)] = 1 / (div * finalDiv)
  return piecewiseInterpolateSchedule('cosine', peak / div, scales)
}

/** A finite, nonzero divisor. */
function checkNonzero(owner: string, name: string, value: unknown): number {
  const v = checkInRange(owner, name, value, '(-Infinity, Infinity)')
  if (v === 0) checkInRange(owner, name, value, '(0, Infinity)')
  return v
}
