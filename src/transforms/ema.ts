import { checkBoolean, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from './_internal/accumulatorDtype'
import type { DType } from '../core/tensor'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link ema}.
 * @category transforms
 * @since 0.1.0
 */
export interface EmaOptions {
  /**
   * How much of the previous average is kept; in [0, 1) when `debias` is true, [0, 1] otherwise.
   * @defaultValue required
   */
  readonly decay: number
  /**
   * Divide the returned average by 1 − decayᵗ to undo the bias of the zero initialisation.
   * @defaultValue true
   */
  readonly debias?: boolean
  /**
   * The dtype of the stored average (optax's `accumulator_dtype`): the output is computed in the promoted dtype of the
   * gradient and the average, then the average is stored in this dtype.
   * @defaultValue the dtype of each param
   */
  readonly accumulatorDtype?: DType | undefined
}

/**
 * State of {@link ema}: the step count and the (never debiased) moving average.
 * @category transforms
 * @since 0.1.0
 */
export interface EmaState {
  /** Number of updates done so far. */
  readonly count: number
  /** The exponential moving average of the updates, zeros at init, stored without bias correction. */
  readonly ema: PyTree
}

/**
 * Exponential moving average of the updates, optionally bias corrected.
 *
 * Unlike {@link trace} the new update enters with weight 1−decay, so the average of a constant stays that constant
 * once debiased. The debiasing factor 1 − decayᵗ is computed on the host in float64; only the returned update is
 * corrected, the stored average is not.
 *
 * ```text
 * t = count + 1
 * e_t = (1 − decay) · g_t + decay · e_{t−1}
 * u_t = e_t / (1 − decayᵗ)          (u_t = e_t when debias is false)
 * ```
 *
 * @param decay - The decay, positionally or in {@link EmaOptions}.
 * @param options - The other {@link EmaOptions} when `decay` is given positionally.
 * @returns A {@link GradientTransformation} whose state is an {@link EmaState}.
 * @throws HyperparameterError when `decay` is out of range (1 is only allowed without debiasing, where it would
 * divide by zero) or `debias` is not a boolean.
 * @example
 * import { ema } from 'descent-ts'
 * const tx = ema(0.5)
 * const [u1, s1] = tx.update([4], tx.init([0]))
 * assert.deepStrictEqual([u1, s1], [[4], { count: 1, ema: [2] }]) // e = 2, debiased by 1 − 0.5
 * const raw = ema(0.5, { debias: false })
 * assert.deepStrictEqual(raw.update([4], raw.init([0]))[0], [2])
 * @see trace, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function ema(decay: number, options?: Omit<EmaOptions, 'decay'>): GradientTransformation<EmaState>
export function ema(options: EmaOptions): GradientTransformation<EmaState>
export function ema(decay: number | EmaOptions, rest?: Omit<EmaOptions, 'decay'>): GradientTransformation<EmaState> {
  const [options, name] = firstArg<EmaOptions, 'decay'>(decay, 'decay', rest)
  const debias = checkBoolean('ema', 'options.debias', options.debias ?? true)
  const d = checkInRange('ema', name, options.decay, debias ? '[0, 1)' : '[0, 1]')
  const dtype = checkDtype('ema', 'options.accumulatorDtype', options.accumulatorDtype)
  const spec: StateSpec = { count: 'count', ema: momentSpec(dtype) }
  return {
    init: (params) => (checkParams('ema.init', params), { count: 0, ema: inDtype(tree.zerosLike(params), dtype) }),
    update: (updates, state, params) => {
      checkState('ema', state, spec, updates, params)
      const e = tree.mapElementwiseNamed(['updates', 'state.ema'], (g, m) => (1 - d) * g + d * m, updates, state.ema)
      const t = state.count + 1
      const out = debias ? tree.biasCorrection(e, d, t) : e
      return [out as typeof updates, { count: t, ema: inDtype(e, dtype) }]
    },
  }
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(ema, 1, {}, ['decay'])
