import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type ScaleByMomoAdamOptions, type ScaleByMomoAdamState, scaleByMomoAdam } from '../transforms/scaleByMomoAdam'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link momoAdam}.
 * @category contrib
 * @since 0.1.0
 */
export type MomoAdamOptions = Omit<ScaleByMomoAdamOptions, 'learningRate'>

/**
 * State of {@link momoAdam}.
 * @category contrib
 * @since 0.1.0
 */
export type MomoAdamState = readonly [ScaleByMomoAdamState]

/**
 * MoMo-Adam: Adam(W) whose step is the smaller of the (bias-corrected) learning rate and a Polyak-type step from a
 * model of the loss, in the metric of Adam's preconditioner. Needs the params and the loss value at them
 * (`extra.value`).
 *
 * ```text
 * f̄ ← β₁·f̄ + (1−β₁)·f(x),   m ← β₁·m + (1−β₁)·g,   v ← β₂·v + (1−β₂)·g²,   γ ← β₁·γ + (1−β₁)·⟨g, x⟩
 * D = ε + √(v/(1−β₂ᵗ)),   ρ = 1 − β₁ᵗ,   h = (1 + αλ)·(f̄ − ρ·f* − γ) + ⟨m, x⟩
 * τ = min(α/ρ, max(h, 0)/⟨m, m/D⟩)   (τ = 0 when ⟨m, m/D⟩ ≤ machine ε),   u = −αλ/(1 + αλ)·x − τ·m/D
 * ```
 *
 * `adaptLowerBound` re-estimates f* every step as in {@link momo} (MoMo*), with the ρ corrections.
 *
 * Chain: `chain(scaleByMomoAdam({ learningRate, b1, b2, eps, lowerBound, weightDecay, adaptLowerBound }))`.
 *
 * References: Schaipp, Ohana, Eickenberg, Defazio & Gower 2023, "MoMo: Momentum Models for Adaptive Learning
 * Rates", https://arxiv.org/abs/2305.07583
 *
 * @param learningRate - The largest step α (a number or a schedule). @defaultValue 1e-2
 * @param options - {@link MomoAdamOptions} (b1 0.9, b2 0.999, eps 1e-8, lowerBound 0, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link MomoAdamState}; `update` needs the params and
 * `extra.value`.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.momoAdam(1)
 * let x = tensor([1, -2, 3], 'float64')
 * let state = opt.init(x)
 * for (let i = 0; i < 200; i++) {
 *   const value = tree.norm(x, { squared: true }) // f = Σ x², g = 2x
 *   const [u, next] = opt.update(tree.scale(2, x), state, x, { value })
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.1)
 * @see scaleByMomoAdam, momo
 * @category contrib
 * @since 0.1.0
 */
export function momoAdam(
  learningRate: ScalarOrSchedule = 1e-2,
  options: MomoAdamOptions = {},
): GradientTransformation<MomoAdamState> {
  return chain(scaleByMomoAdam({ ...options, learningRate }))
}

withHyperparamDefaults(momoAdam, 1, { b1: 0.9, b2: 0.999, eps: 1e-8, lowerBound: 0, weightDecay: 0 }, undefined, [1e-2])
