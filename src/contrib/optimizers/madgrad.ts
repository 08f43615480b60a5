import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByMadgradOptions, type ScaleByMadgradState, scaleByMadgrad } from '../transforms/scaleByMadgrad'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link madgrad}.
 * @category contrib
 * @since 0.1.0
 */
export interface MadgradOptions extends ScaleByMadgradOptions {
  /** L2 weight decay λ added to the gradient. @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
}

/**
 * State of {@link madgrad}.
 * @category contrib
 * @since 0.1.0
 */
export type MadgradState = readonly [AddDecayedWeightsState, ScaleByMadgradState]

/**
 * MADGRAD: a momentumized, adaptive, dual-averaged gradient method (cube-root denominator), matching SGD with
 * momentum on vision and Adam on language tasks in the paper.
 *
 * ```text
 * λ_k = (α_k + ε)·√(k + 1),   G ← G + λ_k·g²,   s ← s + λ_k·g            (g = ∇f + λ_wd·x)
 * z = x₀ − s/(∛G + ε),   x_{k+1} = (1−c)·z + c·x_k,   u_k = x_{k+1} − x_k
 * ```
 *
 * Chain: `chain(addDecayedWeights(weightDecay), scaleByMadgrad(learningRate, { momentum, eps }))`.
 *
 * References: Defazio & Jelassi 2021, "Adaptivity without Compromise: A Momentumized, Adaptive, Dual Averaged
 * Gradient Method for Stochastic Optimization", https://arxiv.org/abs/2101.11075
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link MadgradOptions} (momentum 0.9, weightDecay 0, eps 1e-6).
 * @returns A {@link GradientTransformation} whose state is a {@link MadgradState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.madgrad(0.1)
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 200; i++) {
 *   const [u, next] = opt.update(x, state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.5)
 * @see scaleByMadgrad
 * @category contrib
 * @since 0.1.0
 */
export function madgrad(
  learningRate: ScalarOrSchedule,
  options: MadgradOptions = {},
): GradientTransformation<MadgradState> {
  return chain(addDecayedWeights(options.weightDecay ?? 0), scaleByMadgrad(learningRate, options))
}

withHyperparamDefaults(madgrad, 1, { momentum: 0.9, weightDecay: 0, eps: 1e-6 })
