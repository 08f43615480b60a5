import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import {
  type ScaleByDadaptAdamwOptions,
  type ScaleByDadaptAdamwState,
  scaleByDadaptAdamw,
} from '../transforms/scaleByDadaptAdamw'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link dadaptAdamw}: those of {@link scaleByDadaptAdamw} but the learning rate.
 * @category contrib
 * @since 0.1.0
 */
export type DadaptAdamwOptions = Omit<ScaleByDadaptAdamwOptions, 'learningRate'>

/**
 * State of {@link dadaptAdamw}.
 * @category contrib
 * @since 0.1.0
 */
export type DadaptAdamwState = readonly [ScaleByDadaptAdamwState]

/**
 * D-Adaptation AdamW: learning-rate-free AdamW. It keeps a lower bound d of the distance from the initial point to the
 * solution (in the ∞-norm) and uses it as the step size; the learning rate is only a multiplier (1, or a schedule
 * with peak 1).
 *
 * ```text
 * t = count + 1,   dλ_t = d_t·η_t·√(1−β₂ᵗ)/(1−β₁ᵗ),   r_t = ⟨g_t, s_{t−1}/(√v_{t−1} + ε)⟩
 * m ← β₁·m + (1−β₁)·dλ_t·g,   v ← β₂·v + (1−β₂)·g²,   s ← √β₂·s + (1−√β₂)·dλ_t·g
 * N ← √β₂·N + (1−√β₂)·dλ_t·r_t,   d_{t+1} = max(d_t, N/((1−√β₂)·‖s‖₁))
 * u_t = −m/(√v + ε) − λ·dλ_t·θ_t
 * ```
 *
 * Chain: `chain(scaleByDadaptAdamw({ ...options, learningRate }))` (optax's `dadapt_adamw` is one transform).
 *
 * References: Defazio & Mishchenko 2023, "Learning-Rate-Free Learning by D-Adaptation",
 * https://arxiv.org/abs/2301.07733
 *
 * @param learningRate - The multiplier of the estimated step size (a number or a schedule). @defaultValue 1
 * @param options - {@link DadaptAdamwOptions} (betas [0.9, 0.999], eps 1e-8, estimLr0 1e-6, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link DadaptAdamwState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.dadaptAdamw()
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 300; i++) {
 *   const [u, next] = opt.update(tree.scale(2, x), state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(state[0].estimLr > 0.1) // d grew from 1e-6
 * assert.ok(tree.norm(x) < 1)
 * @see scaleByDadaptAdamw, prodigy
 * @category contrib
 * @since 0.1.0
 */
export function dadaptAdamw(
  learningRate: ScalarOrSchedule = 1,
  options: DadaptAdamwOptions = {},
): GradientTransformation<DadaptAdamwState> {
  return chain(scaleByDadaptAdamw({ ...options, learningRate }))
}

withHyperparamDefaults(dadaptAdamw, 1, { eps: 1e-8, estimLr0: 1e-6, weightDecay: 0 }, undefined, [1])
