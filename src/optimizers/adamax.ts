import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import {
  type AddDecayedWeightsOptions,
  type AddDecayedWeightsState,
  addDecayedWeights,
} from '../transforms/addDecayedWeights'
import { type ScaleByAdamaxOptions, type ScaleByAdamaxState, scaleByAdamax } from '../transforms/scaleByAdamax'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adamax}: exactly those of {@link scaleByAdamax}.
 * @category optimizers
 * @since 0.1.0
 */
export type AdamaxOptions = ScaleByAdamaxOptions

/**
 * State of {@link adamax}: the Adamax moments, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AdamaxState = readonly [ScaleByAdamaxState, ScaleByLearningRateState]

/**
 * Options of {@link adamaxw}: those of {@link scaleByAdamax} and of {@link addDecayedWeights}.
 * @category optimizers
 * @since 0.1.0
 */
export interface AdamaxWOptions extends ScaleByAdamaxOptions, AddDecayedWeightsOptions {
  /**
   * The weight-decay rate λ (a number or a schedule of the step count), multiplied by the learning rate.
   * @defaultValue 1e-4
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
}

/**
 * State of {@link adamaxw}: the Adamax moments, the weight-decay state, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AdamaxWState = readonly [ScaleByAdamaxState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * Adamax: Adam with the infinity norm in place of the second moment.
 *
 * `chain(scaleByAdamax(options), scaleByLearningRate(learningRate))`, as optax's `adamax`. The first moment is bias
 * corrected, the infinity norm is not. ε is added inside the maximum, as in optax and PyTorch; TF.js/Keras add it
 * to the denominator instead (`m̂/(ν + ε)`), which differs only for gradients of size ~ε.
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t          ν_t = max(|g_t| + ε, β₂·ν_{t−1})          m_0 = ν_0 = 0
 * u_t = −α_t · (m_t/(1−β₁ᵗ)) / ν_t
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Kingma & Ba 2014, section 7.1, https://arxiv.org/abs/1412.6980
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdamaxOptions} (b1 0.9, b2 0.999, eps 1e-8).
 * @returns A {@link GradientTransformation} whose state is an {@link AdamaxState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adamax, tensor } from 'descent-ts'
 * const opt = adamax(0.1)
 * // The first step is −lr·g/(|g| + ε) ≈ −lr·sign(g).
 * const [u] = opt.update(tensor([4, -0.5]), opt.init(tensor([0, 0])))
 * u.dataSync().forEach((x, i) => assert.ok(Math.abs(x - [-0.1, 0.1][i]!) < 1e-6))
 * @see scaleByAdamax, adamaxw, adam
 * @category optimizers
 * @since 0.1.0
 */
export function adamax(
  learningRate: ScalarOrSchedule,
  options: AdamaxOptions = {},
): GradientTransformation<AdamaxState> {
  return chain(scaleByAdamax(options), scaleByLearningRate(learningRate))
}

/**
 * AdamaxW: {@link adamax} with decoupled weight decay.
 *
 * `chain(scaleByAdamax(options), addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate))`, as
 * optax's `adamaxw`. The decay is added to the Adamax direction before the learning rate, so each step decays the
 * params by α·λ. It needs the params: pass them to `update`.
 *
 * ```text
 * m_t, ν_t as in adamax
 * u_t = −α_t · ( (m_t/(1−β₁ᵗ)) / ν_t + λ·θ_t )       (λ·θ_t only where mask is true)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Loshchilov & Hutter 2017, https://arxiv.org/abs/1711.05101; Kingma & Ba 2014,
 * https://arxiv.org/abs/1412.6980
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdamaxWOptions} (b1 0.9, b2 0.999, eps 1e-8, weightDecay 1e-4, no mask).
 * @returns A {@link GradientTransformation} whose state is an {@link AdamaxWState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adamaxw, tensor } from 'descent-ts'
 * const opt = adamaxw(0.1, { weightDecay: 0.5, eps: 0 })
 * const params = tensor([2, 2])
 * const [u] = opt.update(tensor([3, -3]), opt.init(params), params)
 * // −0.1·(±1 + 0.5·2)
 * u.dataSync().forEach((x, i) => assert.ok(Math.abs(x - [-0.2, 0][i]!) < 1e-7))
 * @see adamax, adamw, addDecayedWeights
 * @category optimizers
 * @since 0.1.0
 */
export function adamaxw(
  learningRate: ScalarOrSchedule,
  options: AdamaxWOptions = {},
): GradientTransformation<AdamaxWState> {
  return chain(
    scaleByAdamax(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 1e-4, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(adamax, 1, hyperparamDefaultsOf(scaleByAdamax).values)
withHyperparamDefaults(adamaxw, 1, { ...hyperparamDefaultsOf(scaleByAdamax).values, weightDecay: 1e-4 })
