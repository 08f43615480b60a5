import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByAdoptOptions, type ScaleByAdoptState, scaleByAdopt } from '../transforms/scaleByAdopt'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link adopt}: those of {@link scaleByAdopt}.
 * @category contrib
 * @since 0.1.0
 */
export type AdoptOptions = ScaleByAdoptOptions

/**
 * State of {@link adopt}.
 * @category contrib
 * @since 0.1.0
 */
export type AdoptState = readonly [ScaleByAdoptState, ScaleByLearningRateState]

/**
 * ADOPT: Adam modified so that it converges with any β₂. The gradient is normalised by the second moment of the
 * *previous* steps (so g_t and v_{t−1} are independent) before it enters the momentum, and clipped early on.
 *
 * ```text
 * count 0:  v ← g₀², m ← 0, u = 0
 * then:     n_t = clip(g_t / max(√v_{t−1}, ε), ±count^¼)
 *           m_t = β₁·m_{t−1} + (1−β₁)·n_t          v_t = β₂·v_{t−1} + (1−β₂)·g_t²
 *           u_t = −α_t·m_t                          (nesterov: −α_t·(β₁·m_t + (1−β₁)·n_t))
 * ```
 *
 * Chain: `chain(scaleByAdopt(options), scaleByLearningRate(learningRate))`.
 *
 * References: Taniguchi et al. 2024, "ADOPT: Modified Adam Can Converge with Any β₂ with the Optimal Rate",
 * https://arxiv.org/abs/2411.02853
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link AdoptOptions} (b1 0.9, b2 0.9999, eps 1e-6, nesterov false, useClipping true).
 * @returns A {@link GradientTransformation} whose state is an {@link AdoptState}.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.adopt(0.1)
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 100; i++) {
 *   const [u, next] = opt.update(tree.scale(2, x), state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.5)
 * @see scaleByAdopt
 * @category contrib
 * @since 0.1.0
 */
export function adopt(learningRate: ScalarOrSchedule, options: AdoptOptions = {}): GradientTransformation<AdoptState> {
  return chain(scaleByAdopt(options), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(adopt, 1, hyperparamDefaultsOf(scaleByAdopt).values)
