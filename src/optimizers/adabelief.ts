import { type EmptyState, identity } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../transforms/addDecayedWeights'
import { type ScaleByBeliefOptions, type ScaleByBeliefState, scaleByBelief } from '../transforms/scaleByBelief'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adabelief}: those of {@link scaleByBelief}, plus optional decoupled weight decay.
 * @category optimizers
 * @since 0.1.0
 */
export interface AdabeliefOptions extends ScaleByBeliefOptions {
  /**
   * Decoupled weight-decay rate λ (number or schedule), multiplied by the learning rate. When absent there is no
   * weight decay and no weight-decay state (the state's middle element is empty).
   * @defaultValue undefined (no weight decay)
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
  /**
   * Which params are decayed: a tree of booleans (a prefix of the params) or a function of the params.
   * @defaultValue undefined (all params)
   */
  readonly weightDecayMask?: MaskOrFn | undefined
}

/**
 * State of {@link adabelief}: the AdaBelief moments, the weight-decay state (empty without weight decay), then the
 * learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AdabeliefState = readonly [
  ScaleByBeliefState,
  AddDecayedWeightsState | EmptyState,
  ScaleByLearningRateState,
]

/**
 * AdaBelief: Adam with the second moment of the gradient's deviation from its prediction.
 *
 * `chain(scaleByBelief(options), weightDecay === undefined ? identity() : addDecayedWeights({ weightDecay, mask:
 * weightDecayMask }), scaleByLearningRate(learningRate))`, as optax's `adabelief` (which leaves the weight decay
 * out of its chain when it is None). The defaults eps = epsRoot = 1e-16 are optax's; the paper uses eps = 1e-8 and
 * epsRoot = 0. ε̄ is added to s_t in the state at every step. With weight decay it needs the params.
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t                            m_0 = s_0 = 0
 * s_t = β₂·s_{t−1} + (1−β₂)·(g_t − m_t)² + ε̄
 * m̂_t = m_t/(1−β₁ᵗ)                      (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * ŝ_t = s_t/(1−β₂ᵗ)
 * u_t = −α_t · ( m̂_t/(√ŝ_t + ε) + λ·θ_t )         (λ·θ_t only with weightDecay, where the mask is true)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients",
 * https://arxiv.org/abs/2010.07468
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdabeliefOptions} (b1 0.9, b2 0.999, eps 1e-16, epsRoot 1e-16, nesterov false, no weight
 * decay).
 * @returns A {@link GradientTransformation} whose state is an {@link AdabeliefState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adabelief, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = adabelief(0.1, { weightDecay: 1e-4 })
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * @see scaleByBelief, adam, adamw
 * @category optimizers
 * @since 0.1.0
 */
export function adabelief(
  learningRate: ScalarOrSchedule,
  options: AdabeliefOptions = {},
): GradientTransformation<AdabeliefState> {
  return chain(
    scaleByBelief(options),
    options.weightDecay === undefined
      ? identity()
      : addDecayedWeights({ weightDecay: options.weightDecay, mask: options.weightDecayMask }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(adabelief, 1, hyperparamDefaultsOf(scaleByBelief).values)
