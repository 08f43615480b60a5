import { chain } from '../core/chain'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../transforms/addDecayedWeights'
import { type ScaleByAdanOptions, type ScaleByAdanState, scaleByAdan } from '../transforms/scaleByAdan'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'

/**
 * Options of {@link adan}: {@link ScaleByAdanOptions} (with `epsRoot` 1e-8 here, as optax) and the weight decay.
 * @category optimizers
 * @since 0.2.0
 */
export interface AdanOptions extends ScaleByAdanOptions {
  /** Decoupled weight-decay rate λ (a number or a schedule), multiplied by the learning rate. @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params are decayed (a boolean tree or a function of the params). @defaultValue all */
  readonly mask?: MaskOrFn
}

/**
 * State of {@link adan}: its chain's states.
 * @category optimizers
 * @since 0.2.0
 */
export type AdanState = readonly [ScaleByAdanState, AddDecayedWeightsState, ScaleByLearningRateState]

/**
 * The ADAptive Nesterov momentum algorithm, Adan (Xie et al. 2022, https://arxiv.org/abs/2208.06677), as optax.adan:
 * Adam-like steps on a Nesterov momentum estimate built from the gradient and its change, with decoupled weight
 * decay.
 * ```text
 * Δ_t = g_t − g_{t−1}  (Δ₁ = 0)
 * m_t = β₁·m_{t−1} + (1 − β₁)·g_t         v_t = β₂·v_{t−1} + (1 − β₂)·Δ_t
 * n_t = β₃·n_{t−1} + (1 − β₃)·(g_t + (1 − β₂)·Δ_t)²
 * u_t = −α_t·( (m̂_t + (1 − β₂)·v̂_t) / (√(n̂_t + ε̄) + ε) + λ·θ_t ),   x̂ = x/(1 − βᵗ)
 * ```
 * @returns `chain(scaleByAdan(options), addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate))`.
 * @example
 * import { adan, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = adan(0.1)
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 100; i++) {
 *   const [u, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, u)
 *   state = next
 * }
 * assert.ok(tree.norm(params) < 0.2 * Math.sqrt(14)) // from ‖θ₀‖ = √14
 * @see scaleByAdan, adamw
 * @category optimizers
 * @since 0.2.0
 */
export function adan(learningRate: ScalarOrSchedule, options: AdanOptions = {}): GradientTransformation<AdanState> {
  return chain(
    scaleByAdan({ ...options, epsRoot: options.epsRoot ?? 1e-8 }),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}
withHyperparamDefaults(adan, 1, { ...hyperparamDefaultsOf(scaleByAdan).values, epsRoot: 1e-8, weightDecay: 0 })
