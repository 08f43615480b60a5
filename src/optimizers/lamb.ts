import { type EmptyState } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import {
  type AddDecayedWeightsOptions,
  type AddDecayedWeightsState,
  addDecayedWeights,
} from '../transforms/addDecayedWeights'
import { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from '../transforms/scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { scaleByTrustRatio } from '../transforms/scaleByTrustRatio'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link lamb}: those of {@link scaleByAdam} (without Nesterov) and of {@link addDecayedWeights}, with
 * LAMB's defaults.
 * @category optimizers
 * @since 0.1.0
 */
export interface LambOptions extends Omit<ScaleByAdamOptions, 'nesterov'>, AddDecayedWeightsOptions {
  /**
   * Added to the denominator outside the square root; ≥ 0.
   * @defaultValue 1e-6
   */
  readonly eps?: number
  /**
   * The weight-decay rate λ (a number or a schedule), added before the trust ratio.
   * @defaultValue 0
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
}

/**
 * State of {@link lamb}: Adam's moments, the weight-decay state, the (empty) trust-ratio state, the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type LambState = readonly [ScaleByAdamState, AddDecayedWeightsState, EmptyState, ScaleByLearningRateState]

/**
 * LAMB: Adam with decoupled weight decay and a per-layer trust ratio (You et al.), for large-batch training.
 *
 * `chain(scaleByAdam({ b1, b2, eps, epsRoot }), addDecayedWeights({ weightDecay, mask }), scaleByTrustRatio(),
 * scaleByLearningRate(learningRate))`, as optax's `lamb`. Each leaf's step is rescaled so that its norm is
 * α·‖θ‖ (ratio 1 when either norm is 0). It needs the params: pass them to `update`.
 *
 * ```text
 * t = count + 1
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t        v_t = β₂·v_{t−1} + (1−β₂)·g_t²
 * r_t = m̂_t / (√(v̂_t + ε̄) + ε) + λ·θ_t         (m̂, v̂ bias-corrected as in adam)
 * u_t = −α_t · (‖θ_t‖ / ‖r_t‖) · r_t       per leaf; the ratio is 1 when ‖θ_t‖ = 0 or ‖r_t‖ = 0
 * ```
 *
 * References: You et al. 2019, Large Batch Optimization for Deep Learning: Training BERT in 76 minutes,
 * https://arxiv.org/abs/1904.00962
 *
 * @param learningRate - A number or a {@link Schedule} of the step count.
 * @param options - {@link LambOptions} (b1 0.9, b2 0.999, eps 1e-6, epsRoot 0, weightDecay 0, no mask).
 * @returns A {@link GradientTransformation} whose state is a {@link LambState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { applyUpdates, lamb, tensor, tree } from 'descent-ts'
 * const opt = lamb(0.05)
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 20; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params) // gradient of Σx²
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(tree.norm(params) < 0.5 * Math.sqrt(14))
 * @see scaleByTrustRatio, adamw, lars
 * @category optimizers
 * @since 0.1.0
 */
export function lamb(learningRate: ScalarOrSchedule, options: LambOptions = {}): GradientTransformation<LambState> {
  return chain(
    scaleByAdam({ ...options, eps: options.eps ?? 1e-6, nesterov: false }),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByTrustRatio(),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(lamb, 1, { ...hyperparamDefaultsOf(scaleByAdam).values, eps: 1e-6, weightDecay: 0 })
