import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByRmsState, scaleByRms } from '../../transforms/scaleByRms'
import { withWarmup } from '../_internal/warmup'
import { type ScheduleFreeOptions, type ScheduleFreeState, scheduleFree } from '../transforms/scheduleFree'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scheduleFreeAdamw}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScheduleFreeAdamwOptions extends ScheduleFreeOptions {
  /** Length of a linear warmup of the learning rate from 0 (an integer ≥ 1); none when absent. @defaultValue undefined */
  readonly warmupSteps?: number
  /** Decay of the second-moment average, in [0, 1). @defaultValue 0.999 */
  readonly b2?: number
  /** Added to √v̂ in the denominator; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Decoupled weight decay λ (multiplied by the learning rate). @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
}

/**
 * State of {@link scheduleFreeAdamw}.
 * @category contrib
 * @since 0.1.0
 */
export type ScheduleFreeAdamwState = readonly [
  ScheduleFreeState<readonly [ScaleByRmsState, AddDecayedWeightsState, ScaleByLearningRateState]>,
]

/**
 * Schedule-Free AdamW (Defazio et al. 2024): AdamW without its first moment (b1 = 0, so RMSProp with bias correction)
 * inside {@link scheduleFree}. Evaluate at {@link scheduleFreeEvalParams}.
 *
 * ```text
 * v_t = β₂·v_{t−1} + (1−β₂)·g_t²,   v̂_t = v_t/(1−β₂ᵗ)
 * z_{t+1} = z_t − α_t·(g_t/(√v̂_t + ε) + λ·y_t)
 * x_{t+1} = (1−c_t)·x_t + c_t·z_{t+1},   c_t = α̂_tᵖ/Σ_{s≤t} α̂_sᵖ,   y_{t+1} = β₁·x_{t+1} + (1−β₁)·z_{t+1}
 * ```
 *
 * Chain: `chain(scheduleFree(chain(scaleByRms({ decay: b2, eps, epsInSqrt: false, biasCorrection: true }),
 * addDecayedWeights(λ), scaleByLearningRate(α)), α, { b1, weightLrPower }))`.
 *
 * References: Defazio et al. 2024, "The Road Less Scheduled", https://arxiv.org/abs/2405.15682
 *
 * @param learningRate - The AdamW learning rate (a number). @defaultValue 0.0025
 * @param options - {@link ScheduleFreeAdamwOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScheduleFreeAdamwState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.scheduleFreeAdamw(0.5)
 * let y = tensor([1, 2, 3])
 * let state = opt.init(y)
 * for (let i = 0; i < 100; i++) {
 *   const [u, next] = opt.update(tree.scale(2, y), state, y)
 *   y = applyUpdates(y, u)
 *   state = next
 * }
 * assert.ok(tree.norm(contrib.scheduleFreeEvalParams(state, y)) < 0.5)
 * @see scheduleFree, scheduleFreeSgd, scheduleFreeEvalParams
 * @category contrib
 * @since 0.1.0
 */
export function scheduleFreeAdamw(
  learningRate = 0.0025,
  options: ScheduleFreeAdamwOptions = {},
): GradientTransformation<ScheduleFreeAdamwState> {
  return chain(
    scheduleFree(
      chain(
        scaleByRms({ decay: options.b2 ?? 0.999, eps: options.eps ?? 1e-8, epsInSqrt: false, biasCorrection: true }),
        addDecayedWeights(options.weightDecay ?? 0),
        scaleByLearningRate(withWarmup(learningRate, options.warmupSteps)),
      ),
      withWarmup(learningRate, options.warmupSteps),
      options,
    ),
  )
}

withHyperparamDefaults(
  scheduleFreeAdamw,
  1,
  { b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, weightLrPower: 2 },
  undefined,
  [0.0025],
)
