import { type EmptyState, identity } from '../core/base'
import { chain } from '../core/chain'
import { checkBoolean, checkMomentum } from '../core/hyperparams'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type TraceOptions, type TraceState, trace } from '../transforms/trace'

/**
 * Options of {@link sgd}.
 * @category optimizers
 * @since 0.1.0
 */
export interface SgdOptions extends Pick<TraceOptions, 'nesterov' | 'accumulatorDtype'> {
  /**
   * Heavy-ball momentum coefficient β (the `decay` of {@link trace}), in [0, 1). When absent there is no momentum
   * and no momentum state.
   * @defaultValue undefined (plain gradient descent)
   */
  readonly momentum?: number
}

/**
 * State of {@link sgd}: the momentum trace (or the empty state without momentum), then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type SgdState = readonly [TraceState | EmptyState, ScaleByLearningRateState]

/**
 * Stochastic gradient descent, with optional heavy-ball or Nesterov momentum.
 *
 * `chain(trace(momentum, { nesterov }), scaleByLearningRate(learningRate))`, or `identity()` in place of the trace
 * when `momentum` is absent, exactly as optax's `sgd`. The momentum is a sum, not an average (no (1−β) factor), as in
 * PyTorch's `SGD` with `dampening = 0`. `nesterov` has no effect without `momentum`.
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule (count = 0 at the first update)
 * no momentum:   u_t = −α_t·g_t
 * momentum β:    tr_t = g_t + β·tr_{t−1}          tr_0 = 0
 *                u_t = −α_t·tr_t                  (nesterov: u_t = −α_t·(g_t + β·tr_t))
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Robbins & Monro 1951, https://doi.org/10.1214/aoms/1177729586; Polyak 1964 (heavy ball),
 * https://doi.org/10.1016/0041-5553(64)90137-5; Sutskever et al. 2013 (Nesterov momentum for deep learning),
 * https://proceedings.mlr.press/v28/sutskever13.html
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link SgdOptions}.
 * @returns A {@link GradientTransformation} whose state is an {@link SgdState}.
 * @throws HyperparameterError (a `RangeError`) when the learning rate or the momentum is invalid.
 * @example
 * import { applyUpdates, sgd, tensor, tree } from 'descent-ts'
 * const opt = sgd(0.1, { momentum: 0.5 })
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 20; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < 1e-3 * loss(tensor([1, -2, 3])))
 * @see trace, scaleByLearningRate, applyUpdates
 * @category optimizers
 * @since 0.1.0
 */
export function sgd(learningRate: ScalarOrSchedule, options: SgdOptions = {}): GradientTransformation<SgdState> {
  checkMomentum('sgd', options.momentum)
  checkBoolean('sgd', 'options.nesterov', options.nesterov ?? false)
  return chain(
    options.momentum === undefined ? identity() : trace(options.momentum, options),
    scaleByLearningRate(learningRate),
  )
}
