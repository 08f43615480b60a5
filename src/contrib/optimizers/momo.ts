import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type ScaleByMomoOptions, type ScaleByMomoState, scaleByMomo } from '../transforms/scaleByMomo'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link momo}.
 * @category contrib
 * @since 0.1.0
 */
export type MomoOptions = Omit<ScaleByMomoOptions, 'learningRate'>

/**
 * State of {@link momo}.
 * @category contrib
 * @since 0.1.0
 */
export type MomoState = readonly [ScaleByMomoState]

/**
 * MoMo: SGD with momentum whose step is the smaller of the learning rate and a Polyak-type step from a model of the
 * loss built with the averaged loss values, gradients and ⟨g, x⟩. Needs the params and the loss value at them
 * (`extra.value`), e.g. from `valueAndGrad`.
 *
 * ```text
 * β_0 = 0, β_t = β (t ≥ 1):   f̄ ← β_t·f̄ + (1−β_t)·f(x),   d ← β_t·d + (1−β_t)·g,   γ ← β_t·γ + (1−β_t)·⟨g, x⟩
 * h = (1 + αλ)·(f̄ − f* − γ) + ⟨d, x⟩,   τ = min(α, max(h, 0)/‖d‖²)   (τ = 0 when ‖d‖² ≤ machine ε)
 * u = −αλ/(1 + αλ)·x − τ·d
 * ```
 *
 * With `adaptLowerBound`, f* starts at `lowerBound` and is re-estimated every step (MoMo*):
 * f* ← max(f̄ + ⟨d, x⟩ − γ − ½·τ·‖d‖², lowerBound), and halved towards h when the model falls below it.
 *
 * Chain: `chain(scaleByMomo({ learningRate, beta, lowerBound, weightDecay, adaptLowerBound }))`.
 *
 * References: Schaipp, Ohana, Eickenberg, Defazio & Gower 2023, "MoMo: Momentum Models for Adaptive Learning
 * Rates", https://arxiv.org/abs/2305.07583
 *
 * @param learningRate - The largest step α (a number or a schedule). @defaultValue 1
 * @param options - {@link MomoOptions} (beta 0.9, lowerBound 0, weightDecay 0, adaptLowerBound false).
 * @returns A {@link GradientTransformation} whose state is a {@link MomoState}; `update` needs the params and
 * `extra.value`.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.momo()
 * let x = tensor([1, 2, 3], 'float64')
 * let state = opt.init(x)
 * for (let i = 0; i < 100; i++) {
 *   const value = tree.norm(x, { squared: true }) // f = Σ x², g = 2x
 *   const [u, next] = opt.update(tree.scale(2, x), state, x, { value })
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.1) // from ‖x₀‖ ≈ 3.74
 * @see scaleByMomo, momoAdam
 * @category contrib
 * @since 0.1.0
 */
export function momo(learningRate: ScalarOrSchedule = 1, options: MomoOptions = {}): GradientTransformation<MomoState> {
  return chain(scaleByMomo({ ...options, learningRate }))
}

withHyperparamDefaults(momo, 1, { beta: 0.9, lowerBound: 0, weightDecay: 0 }, undefined, [1])
