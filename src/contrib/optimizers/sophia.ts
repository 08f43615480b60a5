import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleBySophiaOptions, type ScaleBySophiaState, scaleBySophia } from '../transforms/scaleBySophia'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link sophia}: those of {@link scaleBySophia} and decoupled weight decay.
 * @category contrib
 * @since 0.1.0
 */
export interface SophiaOptions extends ScaleBySophiaOptions {
  /** Decoupled weight decay λ (multiplied by the learning rate). @defaultValue 1e-4 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params to decay (a mask tree or a function of the params). @defaultValue undefined (all) */
  readonly weightDecayMask?: MaskOrFn
}

/**
 * State of {@link sophia}.
 * @category contrib
 * @since 0.1.0
 */
export type SophiaState = readonly [ScaleBySophiaState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * Sophia: a second-order optimizer that divides the momentum by an EMA of a Hessian-diagonal estimate and clips the
 * result per coordinate, so that a step is never larger than ρ·α (the clip guards against negative or tiny curvature).
 * The default estimator is Hutchinson's (Sophia-H), which needs the loss as the extra argument `objFn`, a function
 * of the params written with descent ops: `opt.update(grads, state, params, { objFn })`.
 *
 * ```text
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t
 * u_t = −α_t·( clip( m_t/(1−β₁ᵗ) / max(γ·h_{t−1}, ε), ±ρ ) + λ·θ_t )
 * h_t = β₂·h_{t−1} + (1−β₂)·ĥ_t   every k steps (count % k = 0),   ĥ = v ⊙ (∇²f·v), v Rademacher
 * ```
 *
 * Chain: `chain(scaleBySophia(options), addDecayedWeights({ weightDecay, mask: weightDecayMask }),
 * scaleByLearningRate(learningRate))`.
 *
 * References: Liu et al. 2023, "Sophia: A Scalable Stochastic Second-order Optimizer for Language Model
 * Pre-training", https://arxiv.org/abs/2305.14342
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link SophiaOptions} (b1 0.965, b2 0.99, eps 1e-8, gamma 0.01, clipThreshold 1, updateInterval 10,
 * weightDecay 1e-4).
 * @returns A {@link GradientTransformation} whose state is a {@link SophiaState}; `update` needs the params and
 * `extra.objFn` (for the default estimator).
 * @example
 * import { applyUpdates, contrib, mul, ops, tensor, tree } from 'descent-ts'
 * const f = (p: ReturnType<typeof tensor>) => ops.sum(mul(tensor([1, 10]), mul(p, p)))
 * // γ = 1: u ≈ −α·m̂/h, a damped Newton step (the clip at ±1 only binds far away).
 * const opt = contrib.sophia(0.5, { gamma: 1, updateInterval: 1, weightDecay: 0 })
 * let x = tensor([1, -2])
 * let state = opt.init(x)
 * for (let i = 0; i < 100; i++) {
 *   const g = tree.mul(tensor([2, 20]), x)
 *   const [u, next] = opt.update(g, state, x, { objFn: f })
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.1)
 * @see scaleBySophia, hutchinsonEstimatorDiagHessian
 * @category contrib
 * @since 0.1.0
 */
export function sophia(
  learningRate: ScalarOrSchedule,
  options: SophiaOptions = {},
): GradientTransformation<SophiaState> {
  return chain(
    scaleBySophia(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 1e-4, mask: options.weightDecayMask }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(sophia, 1, { ...hyperparamDefaultsOf(scaleBySophia).values, weightDecay: 1e-4 })
