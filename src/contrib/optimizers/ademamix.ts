import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByAdemamixOptions, type ScaleByAdemamixState, scaleByAdemamix } from '../transforms/scaleByAdemamix'
import {
  type ScaleBySimplifiedAdemamixOptions,
  type ScaleBySimplifiedAdemamixState,
  scaleBySimplifiedAdemamix,
} from '../transforms/scaleBySimplifiedAdemamix'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../../core/hyperparamDefaults'

/** Decoupled weight decay of the AdEMAMix aliases. */
interface WeightDecayOptions {
  /** Decoupled weight decay λ (multiplied by the learning rate). @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params to decay (a mask tree or a function of the params). @defaultValue undefined (all) */
  readonly mask?: MaskOrFn
}

/**
 * Options of {@link ademamix}: those of {@link scaleByAdemamix} (with alpha 5) and decoupled weight decay.
 * @category contrib
 * @since 0.1.0
 */
export interface AdemamixOptions extends ScaleByAdemamixOptions, WeightDecayOptions {}

/**
 * State of {@link ademamix}.
 * @category contrib
 * @since 0.1.0
 */
export type AdemamixState = readonly [ScaleByAdemamixState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * AdEMAMix: AdamW with a mixture of a fast and a slow EMA of the gradients, so that very old gradients keep
 * contributing. The slow EMA is not bias corrected (it fills slowly on purpose).
 *
 * ```text
 * m₁ ← β₁·m₁ + (1−β₁)·g,  m₂ ← β₃·m₂ + (1−β₃)·g,  v ← β₂·v + (1−β₂)·g²
 * u = −α_t·( (m₁/(1−β₁ᵗ) + α·m₂) / (√(v/(1−β₂ᵗ) + ε̄) + ε) + λ·θ )
 * ```
 *
 * Chain: `chain(scaleByAdemamix({ ...options, alpha: options.alpha ?? 5 }), addDecayedWeights({ weightDecay, mask }),
 * scaleByLearningRate(learningRate))`.
 *
 * References: Pagliardini et al. 2024, "The AdEMAMix Optimizer: Better, Faster, Older",
 * https://arxiv.org/abs/2409.03137
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link AdemamixOptions} (b1 0.9, b2 0.999, b3 0.9999, alpha 5, eps 1e-8, epsRoot 0, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is an {@link AdemamixState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.ademamix(0.05, { b3: 0.99 })
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 200; i++) {
 *   const [u, next] = opt.update(tree.scale(2, x), state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 1)
 * @see scaleByAdemamix, simplifiedAdemamix, adamw
 * @category contrib
 * @since 0.1.0
 */
export function ademamix(
  learningRate: ScalarOrSchedule,
  options: AdemamixOptions = {},
): GradientTransformation<AdemamixState> {
  return chain(
    scaleByAdemamix({ ...options, alpha: options.alpha ?? 5 }),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

/**
 * Options of {@link simplifiedAdemamix}: those of {@link scaleBySimplifiedAdemamix} and decoupled weight decay.
 * @category contrib
 * @since 0.1.0
 */
export interface SimplifiedAdemamixOptions extends ScaleBySimplifiedAdemamixOptions, WeightDecayOptions {}

/**
 * State of {@link simplifiedAdemamix}.
 * @category contrib
 * @since 0.1.0
 */
export type SimplifiedAdemamixState = readonly [
  ScaleBySimplifiedAdemamixState,
  AddDecayedWeightsState,
  ScaleByLearningRateState,
]

/**
 * Simplified AdEMAMix: one undamped momentum buffer and a weight α on the current gradient instead of AdEMAMix's two
 * EMAs (α = 0 is Adam up to a rescaling of α_t and β₁).
 *
 * ```text
 * m ← β₁·m + g,   n ← β₂·n + (1−β₂)·g²
 * u = −α_t·( (m + α·g) / (√(n/(1−β₂ᵗ) + ε̄) + ε) + λ·θ )
 * ```
 *
 * Chain: `chain(scaleBySimplifiedAdemamix(options), addDecayedWeights({ weightDecay, mask }),
 * scaleByLearningRate(learningRate))`.
 *
 * References: Morwani et al. 2025, "Connections between Schedule-Free Optimizers, AdEMAMix, and Accelerated SGD
 * Variants", https://arxiv.org/abs/2502.02431
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link SimplifiedAdemamixOptions} (b1 0.99, b2 0.95, alpha 0, eps 1e-8, epsRoot 0, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link SimplifiedAdemamixState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.simplifiedAdemamix(0.005, { b1: 0.9 })
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 300; i++) {
 *   const [u, next] = opt.update(tree.scale(2, x), state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 1)
 * @see scaleBySimplifiedAdemamix, ademamix
 * @category contrib
 * @since 0.1.0
 */
export function simplifiedAdemamix(
  learningRate: ScalarOrSchedule,
  options: SimplifiedAdemamixOptions = {},
): GradientTransformation<SimplifiedAdemamixState> {
  return chain(
    scaleBySimplifiedAdemamix(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(ademamix, 1, { ...hyperparamDefaultsOf(scaleByAdemamix).values, alpha: 5, weightDecay: 0 })

withHyperparamDefaults(simplifiedAdemamix, 1, {
  ...hyperparamDefaultsOf(scaleBySimplifiedAdemamix).values,
  weightDecay: 0,
})
