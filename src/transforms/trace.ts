import { attachNotes, checkBoolean, checkInRange } from '../core/hyperparams'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import * as tree from '../core/tree'
import { affineTrees } from '../core/leafMath'
import type { GradientTransformation, PyTree } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { checkDtype, inDtype, momentSpec } from './_internal/accumulatorDtype'
import type { DType } from '../core/tensor'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link trace}.
 * @category transforms
 * @since 0.1.0
 */
export interface TraceOptions {
  /**
   * The momentum coefficient: how much of the previous trace is kept; in [0, 1].
   * @defaultValue required
   */
  readonly decay: number
  /**
   * Use Nesterov momentum: return g + decay·trace instead of the trace.
   * @defaultValue false
   */
  readonly nesterov?: boolean
  /**
   * The dtype of the stored trace (optax's `accumulator_dtype`): the update is computed in the promoted dtype of the
   * gradient and the trace, then the trace is stored in this dtype.
   * @defaultValue the dtype of each param
   */
  readonly accumulatorDtype?: DType | undefined
}

/**
 * State of {@link trace}: the momentum buffer (same structure, shapes and dtypes as the params).
 * @category transforms
 * @since 0.1.0
 */
export interface TraceState {
  /** The accumulated trace, zeros at init. */
  readonly trace: PyTree
}

/**
 * Heavy-ball momentum: accumulates a decaying sum of past updates.
 *
 * This is *not* an exponential moving average (there is no 1−decay factor); it matches PyTorch's SGD momentum with
 * dampening 0, so with constant gradients the trace grows towards g/(1−decay). With `nesterov` the returned update
 * looks one step ahead. The state starts at zeros, so the first update is g (or (1+decay)·g with nesterov).
 *
 * ```text
 * tr_t = g_t + decay · tr_{t−1}
 * u_t  = tr_t                        (nesterov: u_t = g_t + decay · tr_t)
 * ```
 *
 * References: Polyak 1964 (heavy ball); Sutskever et al. 2013, On the importance of initialization and momentum in
 * deep learning, http://proceedings.mlr.press/v28/sutskever13.html
 *
 * @param decay - The momentum coefficient in [0, 1], positionally or in {@link TraceOptions}.
 * @param options - The other {@link TraceOptions} when `decay` is given positionally.
 * @returns A {@link GradientTransformation} whose state is a {@link TraceState}.
 * @throws HyperparameterError when `decay` is outside [0, 1] or `nesterov` is not a boolean.
 * @example
 * import { trace } from 'descent-ts'
 * const tx = trace(0.5)
 * const [u1, s1] = tx.update([2], tx.init([0]))
 * const [u2] = tx.update([2], s1)
 * assert.deepStrictEqual([u1, u2], [[2], [3]]) // 2, then 2 + 0.5·2
 * const nesterov = trace({ decay: 0.5, nesterov: true })
 * assert.deepStrictEqual(nesterov.update([2], nesterov.init([0]))[0], [3]) // 2 + 0.5·2
 * @see sgd, ema
 * @category transforms
 * @since 0.1.0
 */
export function trace(decay: number, options?: Omit<TraceOptions, 'decay'>): GradientTransformation<TraceState>
export function trace(options: TraceOptions): GradientTransformation<TraceState>
export function trace(
  decay: number | TraceOptions,
  rest?: Omit<TraceOptions, 'decay'>,
): GradientTransformation<TraceState> {
  const [options, name] = firstArg<TraceOptions, 'decay'>(decay, 'decay', rest)
  const d = checkInRange('trace', name, options.decay, '[0, 1]')
  const nesterov = checkBoolean('trace', 'options.nesterov', options.nesterov ?? false)
  const dtype = checkDtype('trace', 'options.accumulatorDtype', options.accumulatorDtype)
  const spec: StateSpec = { trace: momentSpec(dtype) }
  return attachNotes(
    {
      // Zeros of each param's shape, in the accumulator's dtype.
      init: (params) => (checkParams('trace.init', params), { trace: tree.zerosLike(params, dtype) }),
      update: (updates, state, params) => {
        checkState('trace', state, spec, updates, params)
        // g + d·t, named as the state it reads (also for Nesterov's second pass, over the new trace).
        const plusDecayed = (t: PyTree) => affineTrees(1, d, [updates, t], NAMES)
        const tr = plusDecayed(state.trace)
        const out = nesterov ? plusDecayed(tr) : tr
        return [out as typeof updates, { trace: inDtype(tr, dtype) }]
      },
    },
    [['trace', d, name]],
  )
}

const NAMES = ['updates', 'state.trace']

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(trace, 1, {}, ['decay'])
