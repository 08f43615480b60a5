import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type ScaleByProdigyOptions, type ScaleByProdigyState, scaleByProdigy } from '../transforms/scaleByProdigy'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link prodigy}: those of {@link scaleByProdigy} but the learning rate.
 * @category contrib
 * @since 0.1.0
 */
export type ProdigyOptions = Omit<ScaleByProdigyOptions, 'learningRate'>

/**
 * State of {@link prodigy}.
 * @category contrib
 * @since 0.1.0
 */
export type ProdigyState = readonly [ScaleByProdigyState]

/**
 * Prodigy: learning-rate-free AdamW. It estimates the distance d from the initial point to the solution, from below,
 * and uses d as Adam's step size; the learning rate is only a multiplier (1, or a schedule with peak 1). A D-Adaptation
 * variant that weights recent gradients more, so d grows faster.
 *
 * ```text
 * t = count + 1,   η_t = learningRate(count),   λ̃_t = d_t·η_t·√(1−β₂ᵗ)/(1−β₁ᵗ)
 * m ← β₁·m + (1−β₁)·d_t·g,   v ← β₂·v + (1−β₂)·(d_t·g)²,   s ← β₃·s + (λ̃_t·d_t/d₀)·g
 * r ← β₃·r + (d_t/d₀)·λ̃_t·⟨g, x₀ − x_t⟩,   d_{t+1} = max(d_t, coef·r/‖s‖₁)
 * u_t = −λ̃_t·( m/(√v + d_t·ε) + λ·x_t )
 * ```
 *
 * Chain: `chain(scaleByProdigy({ ...options, learningRate }))` (optax's `prodigy` is one transform, learning rate
 * included).
 *
 * References: Mishchenko & Defazio 2023, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
 * https://arxiv.org/abs/2306.06101
 *
 * @param learningRate - The multiplier of the estimated step size (a number or a schedule). @defaultValue 1
 * @param options - {@link ProdigyOptions} (betas [0.9, 0.999], beta3 √β₂, eps 1e-8, estimLr0 1e-6, estimLrCoef 1,
 * weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link ProdigyState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.prodigy()
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 200; i++) {
 *   const [u, next] = opt.update(tree.scale(2, x), state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(state[0].estimLr > 0.1) // d grew from 1e-6 towards the distance to the solution
 * assert.ok(tree.norm(x) < 1)
 * @see scaleByProdigy, dadaptAdamw
 * @category contrib
 * @since 0.1.0
 */
export function prodigy(
  learningRate: ScalarOrSchedule = 1,
  options: ProdigyOptions = {},
): GradientTransformation<ProdigyState> {
  return chain(scaleByProdigy({ ...options, learningRate }))
}

withHyperparamDefaults(prodigy, 1, { eps: 1e-8, estimLr0: 1e-6, estimLrCoef: 1, weightDecay: 0 }, undefined, [1])
