import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import {
  type AddDecayedWeightsOptions,
  type AddDecayedWeightsState,
  addDecayedWeights,
} from '../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByLionOptions, type ScaleByLionState, scaleByLion } from '../transforms/scaleByLion'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link lion}: those of {@link scaleByLion} and of {@link addDecayedWeights}, with optax's Lion default
 * weight decay (1e-3, ten times AdamW's).
 * @category optimizers
 * @since 0.1.0
 */
export interface LionOptions extends ScaleByLionOptions, AddDecayedWeightsOptions {
  /**
   * The weight-decay rate λ (a number or a schedule of the step count), multiplied by the learning rate.
   * @defaultValue 1e-3
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
}

/**
 * State of {@link lion}: the Lion momentum, the weight-decay state, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type LionState = readonly [ScaleByLionState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * Lion (EvoLved Sign Momentum): the sign of an interpolation of momentum and gradient, with decoupled weight decay.
 *
 * `chain(scaleByLion(options), addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate))`, as
 * optax's `lion`. Note the **default weight decay of 1e-3**. Every coordinate moves by ±α (plus the decay), so use a
 * learning rate 3–10× smaller than AdamW's and a weight decay 3–10× larger. It needs the params: pass them to
 * `update`.
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule;  λ = weightDecay;  m_0 = 0
 * c_t = β₁·m_{t−1} + (1−β₁)·g_t
 * u_t = −α_t · ( sign(c_t) + λ·θ_t )           (mode 'smooth': tanh(β·c_t); 'refined': |c_t| < 1 ? c_t : sign(c_t))
 * m_t = β₂·m_{t−1} + (1−β₂)·g_t
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", https://arxiv.org/abs/2302.06675
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link LionOptions} (b1 0.9, b2 0.99, mode 'hard', smoothBeta 1, weightDecay 1e-3, no mask).
 * @returns A {@link GradientTransformation} whose state is a {@link LionState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { lion } from 'descent-ts'
 * const opt = lion(0.01)
 * const params = [2, -1]
 * const [u] = opt.update([0.3, 5], opt.init(params), params)
 * // −0.01·(sign(0.1·g) + 1e-3·θ)
 * u.forEach((x, i) => assert.ok(Math.abs(x - [-0.01 * (1 + 2e-3), -0.01 * (1 - 1e-3)][i]!) < 1e-15))
 * @see scaleByLion, adamw, signum
 * @category optimizers
 * @since 0.1.0
 */
export function lion(learningRate: ScalarOrSchedule, options: LionOptions = {}): GradientTransformation<LionState> {
  return chain(
    scaleByLion(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 1e-3, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

// optax's lion has no smooth_beta (its scale_by_lion does).
withHyperparamDefaults(lion, 1, { b1: 0.9, b2: 0.99, weightDecay: 1e-3 })
