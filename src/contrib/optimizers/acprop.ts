import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByAcpropOptions, type ScaleByAcpropState, scaleByAcprop } from '../transforms/scaleByAcprop'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link acprop}.
 * @category contrib
 * @since 0.1.0
 */
export interface AcpropOptions extends ScaleByAcpropOptions {
  /** Decoupled weight decay λ (multiplied by the learning rate). @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params to decay. @defaultValue undefined (all) */
  readonly mask?: MaskOrFn
}

/**
 * State of {@link acprop}.
 * @category contrib
 * @since 0.1.0
 */
export type AcpropState = readonly [ScaleByAcpropState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * ACProp: momentum centering and asynchronous update. The denominator is AdaBelief's centred second moment, taken
 * from the previous step, and the numerator is the current gradient (not the momentum).
 *
 * ```text
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t,   s_t = β₂·s_{t−1} + (1−β₂)·(g_t − m_t)² + ε̄
 * u_t = −α_t·( g_t/(√(s_{t−1}/(1−β₂ᵗ⁻¹)) + ε) + λ·θ_t )        (first step: √ŝ = 1)
 * ```
 *
 * Chain: `chain(scaleByAcprop(options), addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate))`.
 *
 * References: Zhuang et al. 2021, "Momentum Centering and Asynchronous Update for Adaptive Gradient Methods",
 * https://arxiv.org/abs/2110.05454
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link AcpropOptions} (b1 0.9, b2 0.999, eps 1e-16, epsRoot 1e-16, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is an {@link AcpropState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.acprop(0.01)
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 300; i++) {
 *   const [u, next] = opt.update(tree.scale(2, x), state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 1)
 * @see scaleByAcprop, adabelief
 * @category contrib
 * @since 0.1.0
 */
export function acprop(
  learningRate: ScalarOrSchedule,
  options: AcpropOptions = {},
): GradientTransformation<AcpropState> {
  return chain(
    scaleByAcprop(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(acprop, 1, { ...hyperparamDefaultsOf(scaleByAcprop).values, weightDecay: 0 })
