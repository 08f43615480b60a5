import { checkInRange } from '../core/hyperparams'
import type { GradientTransformation, PyTree } from '../core/types'
import { type EmaState, ema } from './ema'
import type { DType } from '../core/tensor'

/**
 * Options of {@link measureWithEma}.
 * @category transforms
 * @since 0.2.0
 */
export interface MeasureWithEmaOptions {
  /** Divide by 1 − decayᵗ to undo the zero initialisation. @defaultValue true */
  readonly debias?: boolean
  /** The dtype of the stored average (optax's `accumulator_dtype`). @defaultValue the measurement's dtype */
  readonly accumulatorDtype?: DType | undefined
}

/**
 * A measurement of the updates, smoothed by an exponential moving average (optax.measure_with_ema). Its output is the
 * average of `measure(updates)`, not the updates: use it as a measure of {@link monitor}, which keeps the updates.
 * ```text
 * m_t = decay·m_{t−1} + (1 − decay)·measure(u_t)        output m_t / (1 − decayᵗ)  (debias)
 * ```
 * @returns a transform whose state is {@link EmaState} over the measurement's structure.
 * @throws HyperparameterError when `decay` ∉ [0, 1).
 * @example
 * import { measureWithEma, monitor, tensor, tree } from 'descent-ts'
 * const tx = monitor({ gradNorm: measureWithEma((u) => tree.norm(u), 0.5) })
 * let state = tx.init([tensor([0, 0])])
 * ;[, state] = tx.update([tensor([3, 4])], state)
 * ;[, state] = tx.update([tensor([0, 1])], state)
 * // EMA of 5 then 1 with decay ½, debiased: (½·½·5 + ½·1)/(1 − ¼)
 * assert.ok(Math.abs((state.measurements.gradNorm as number) - (1.25 + 0.5) / 0.75) < 1e-12)
 * @see monitor, ema
 * @category transforms
 * @since 0.2.0
 */
export function measureWithEma(
  measure: (updates: PyTree) => PyTree,
  decay: number,
  options: MeasureWithEmaOptions = {},
): GradientTransformation<EmaState> {
  checkInRange('measureWithEma', 'decay', decay, '[0, 1)')
  const base = ema(decay, { debias: options.debias ?? true, accumulatorDtype: options.accumulatorDtype })
  return {
    init: (params) => base.init(measure(params)),
    update: (updates, state) => {
      const [avg, next] = base.update(measure(updates), state)
      return [avg as typeof updates, next] as const
    },
  }
}
