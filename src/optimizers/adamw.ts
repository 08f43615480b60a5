import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import {
  type AddDecayedWeightsOptions,
  type AddDecayedWeightsState,
  addDecayedWeights,
} from '../transforms/addDecayedWeights'
import { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from '../transforms/scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adamw} and {@link nadamw}: those of {@link scaleByAdam} and of {@link addDecayedWeights}, with
 * optax's AdamW default weight decay.
 * @category optimizers
 * @since 0.1.0
 */
export interface AdamWOptions extends ScaleByAdamOptions, AddDecayedWeightsOptions {
  /**
   * The weight-decay rate λ (a number or a schedule of the step count), multiplied by the learning rate.
   * @defaultValue 1e-4
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
}

/**
 * State of {@link adamw} and {@link nadamw}: the Adam moments, the weight-decay state, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AdamWState = readonly [ScaleByAdamState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * AdamW: {@link adam} with decoupled weight decay.
 *
 * `chain(scaleByAdam(options), addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate))`, as
 * optax's `adamw`. The decay λ·θ is added to the Adam direction, not to the gradient, so it is not rescaled by the
 * second moment; it comes before the learning rate, so the step decays the params by α·λ (PyTorch's convention; the
 * paper multiplies λ by a separate schedule multiplier instead). `mask` restricts the decay to some params (commonly:
 * not biases and norm scales). It needs the params: pass them to `update`. With `nesterov: true` it is {@link nadamw}.
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule;  λ = weightDecay
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t                v_t = β₂·v_{t−1} + (1−β₂)·g_t²         m_0 = v_0 = 0
 * m̂_t = m_t/(1−β₁ᵗ)                            (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * v̂_t = v_t/(1−β₂ᵗ)
 * u_t = −α_t · ( m̂_t / (√(v̂_t + ε̄) + ε) + λ·θ_t )       (λ·θ_t only where mask is true)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Loshchilov & Hutter 2017, "Decoupled Weight Decay Regularization", https://arxiv.org/abs/1711.05101;
 * Kingma & Ba 2014, https://arxiv.org/abs/1412.6980
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdamWOptions} (b1 0.9, b2 0.999, eps 1e-8, epsRoot 0, weightDecay 1e-4, no mask,
 * nesterov false).
 * @returns A {@link GradientTransformation} whose state is an {@link AdamWState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adamw, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = adamw(0.1, { weightDecay: 1e-2 })
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params) // params are required
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * @see adam, nadamw, addDecayedWeights, scaleByAdam
 * @category optimizers
 * @since 0.1.0
 */
export function adamw(learningRate: ScalarOrSchedule, options: AdamWOptions = {}): GradientTransformation<AdamWState> {
  return chain(
    scaleByAdam(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 1e-4, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

/**
 * NAdamW: {@link adamw} with Nesterov momentum, `adamw(learningRate, { ...options, nesterov: true })` (optax's
 * `nadamw = partial(adamw, nesterov=True)`).
 *
 * ```text
 * m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ)      (the rest as in adamw)
 * u_t = −α_t · ( m̂_t / (√(v̂_t + ε̄) + ε) + λ·θ_t )
 * ```
 *
 * References: Dozat 2016, "Incorporating Nesterov Momentum into Adam",
 * https://openreview.net/pdf?id=OM0jvwB8jIp57ZJjtNEZ; Loshchilov & Hutter 2017, https://arxiv.org/abs/1711.05101
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdamWOptions}; `nesterov` is always set to true.
 * @returns A {@link GradientTransformation} whose state is an {@link AdamWState}.
 * @example
 * import { adamw, nadamw, tensor } from 'descent-ts'
 * const p = { w: tensor([1, -1]) }
 * const g = { w: tensor([0.5, -1]) }
 * const a = nadamw(0.1).update(g, nadamw(0.1).init(p), p)[0]
 * const b = adamw(0.1, { nesterov: true }).update(g, adamw(0.1).init(p), p)[0]
 * assert.deepStrictEqual(a.w.toArray(), b.w.toArray())
 * @see adamw, nadam
 * @category optimizers
 * @since 0.1.0
 */
export const nadamw = (
  learningRate: ScalarOrSchedule,
  options: AdamWOptions = {},
): GradientTransformation<AdamWState> => adamw(learningRate, { ...options, nesterov: true })

withHyperparamDefaults(adamw, 1, { ...hyperparamDefaultsOf(scaleByAdam).values, weightDecay: 1e-4 })
withHyperparamDefaults(nadamw, 1, hyperparamDefaultsOf(adamw).values)
