import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByRadamOptions, type ScaleByRadamState, scaleByRadam } from '../transforms/scaleByRadam'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link radam}: exactly those of {@link scaleByRadam}.
 * @category optimizers
 * @since 0.1.0
 */
export type RadamOptions = ScaleByRadamOptions

/**
 * State of {@link radam}: Adam's moments, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type RadamState = readonly [ScaleByRadamState, ScaleByLearningRateState]

/**
 * RAdam (Rectified Adam): SGD with momentum while the adaptive rate's variance is intractable, then rectified Adam.
 *
 * `chain(scaleByRadam(options), scaleByLearningRate(learningRate))`, as optax's `radam`. During the first steps
 * (ρ_t < threshold: t ≤ 5 with the defaults) the step is the bias-corrected momentum, not normalised by √v̂, so it
 * scales with the gradient; afterwards it is Adam's step times the rectification r_t ∈ (0, 1).
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule
 * ρ∞ = 2/(1−β₂) − 1,   ρ_t = ρ∞ − 2t·β₂ᵗ/(1−β₂ᵗ)
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t          v_t = β₂·v_{t−1} + (1−β₂)·g_t²          m_0 = v_0 = 0
 * m̂_t = m_t/(1−β₁ᵗ)                      (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * v̂_t = v_t/(1−β₂ᵗ)
 * ρ_t ≥ threshold:  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)),   u_t = −α_t · r_t·m̂_t/(√(v̂_t + ε̄) + ε)
 * otherwise:        u_t = −α_t · m̂_t
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond",
 * https://arxiv.org/abs/1908.03265
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link RadamOptions} (b1 0.9, b2 0.999, eps 1e-8, epsRoot 0, threshold 5, nesterov false).
 * @returns A {@link GradientTransformation} whose state is a {@link RadamState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { radam } from 'descent-ts'
 * const opt = radam(0.1)
 * const [u] = opt.update([2, -8], opt.init([0, 0]))
 * // First step: momentum only, −lr·m̂ = −lr·g (not normalised).
 * u.forEach((x, i) => assert.ok(Math.abs(x - [-0.2, 0.8][i]!) < 1e-12))
 * @see scaleByRadam, adam
 * @category optimizers
 * @since 0.1.0
 */
export function radam(learningRate: ScalarOrSchedule, options: RadamOptions = {}): GradientTransformation<RadamState> {
  return chain(scaleByRadam(options), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(radam, 1, hyperparamDefaultsOf(scaleByRadam).values)
