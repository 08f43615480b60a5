import { type EmptyState } from '../core/base'
import { chain } from '../core/chain'
import { checkMomentum } from '../core/hyperparams'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../transforms/addDecayedWeights'
import { type MaskedState, masked } from '../transforms/masked'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByTrustRatioOptions, scaleByTrustRatio } from '../transforms/scaleByTrustRatio'
import { type TraceState, trace } from '../transforms/trace'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link lars}.
 * @category optimizers
 * @since 0.1.0
 */
export interface LarsOptions extends Pick<ScaleByTrustRatioOptions, 'eps'> {
  /**
   * The weight-decay rate λ (a number or a schedule), added to the gradient before the trust ratio.
   * @defaultValue 0
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
  /**
   * Which params get weight decay (a mask tree, a prefix of it, or a function of the params).
   * @defaultValue true (all)
   */
  readonly weightDecayMask?: MaskOrFn | undefined
  /**
   * The trust coefficient η multiplying ‖θ‖/‖g‖.
   * @defaultValue 0.001
   */
  readonly trustCoefficient?: number
  /**
   * Added to the update norm in the trust ratio's denominator; ≥ 0.
   * @defaultValue 0
   */
  readonly eps?: number
  /**
   * Which params get the trust ratio (commonly not biases and norm scales).
   * @defaultValue true (all)
   */
  readonly trustRatioMask?: MaskOrFn | undefined
  /**
   * Heavy-ball momentum coefficient, applied after the learning rate; in [0, 1).
   * @defaultValue 0.9
   */
  readonly momentum?: number
  /**
   * Use Nesterov momentum.
   * @defaultValue false
   */
  readonly nesterov?: boolean
}

/**
 * State of {@link lars}: weight decay, masked trust ratio, learning rate, momentum trace.
 * @category optimizers
 * @since 0.1.0
 */
export type LarsState = readonly [AddDecayedWeightsState, MaskedState<EmptyState>, ScaleByLearningRateState, TraceState]

/**
 * LARS: SGD with momentum and a per-layer trust ratio (You et al.), for large-batch training.
 *
 * `chain(addDecayedWeights(weightDecay, { mask: weightDecayMask }), masked(scaleByTrustRatio({ trustCoefficient, eps
 * }), trustRatioMask), scaleByLearningRate(learningRate), trace(momentum, { nesterov }))`, as optax's `lars`: the
 * momentum comes *after* the learning rate, so a schedule's changes enter the trace gradually. It needs the params.
 *
 * ```text
 * d_t = g_t + λ·θ_t                                           (where weightDecayMask)
 * d_t ← η·‖θ_t‖/(‖d_t‖ + ε) · d_t    per leaf                   (where trustRatioMask; 1 if a norm is 0)
 * tr_t = −α_t·d_t + β·tr_{t−1}        u_t = tr_t               (nesterov: u_t = −α_t·d_t + β·tr_t)
 * ```
 *
 * References: You et al. 2017, Large Batch Training of Convolutional Networks, https://arxiv.org/abs/1708.03888
 *
 * @param learningRate - A number or a {@link Schedule} of the step count.
 * @param options - {@link LarsOptions} (weightDecay 0, trustCoefficient 0.001, eps 0, momentum 0.9, masks true).
 * @returns A {@link GradientTransformation} whose state is a {@link LarsState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { applyUpdates, lars, tensor, tree } from 'descent-ts'
 * const opt = lars(1)
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 100; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params) // gradient of Σx²
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(tree.norm(params) < 0.9 * Math.sqrt(14))
 * @see scaleByTrustRatio, lamb, sgd
 * @category optimizers
 * @since 0.1.0
 */
export function lars(learningRate: ScalarOrSchedule, options: LarsOptions = {}): GradientTransformation<LarsState> {
  checkMomentum('lars', options.momentum)
  return chain(
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.weightDecayMask ?? true }),
    masked(
      scaleByTrustRatio({ trustCoefficient: options.trustCoefficient ?? 0.001, eps: options.eps ?? 0 }),
      options.trustRatioMask ?? true,
    ),
    scaleByLearningRate(learningRate),
    trace(options.momentum ?? 0.9, { nesterov: options.nesterov ?? false }),
  )
}

withHyperparamDefaults(lars, 1, { weightDecay: 0, trustCoefficient: 0.001, eps: 0, momentum: 0.9 })
