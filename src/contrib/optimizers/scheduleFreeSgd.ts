import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type SgdState, sgd } from '../../optimizers/sgd'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { withWarmup } from '../_internal/warmup'
import { type ScheduleFreeOptions, type ScheduleFreeState, scheduleFree } from '../transforms/scheduleFree'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scheduleFreeSgd}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScheduleFreeSgdOptions extends ScheduleFreeOptions {
  /** Length of a linear warmup of the learning rate from 0 (an integer ≥ 1); none when absent. @defaultValue undefined */
  readonly warmupSteps?: number
  /** Weight decay λ (added to the gradient before the SGD step), a number or a schedule. @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
}

/**
 * State of {@link scheduleFreeSgd}.
 * @category contrib
 * @since 0.1.0
 */
export type ScheduleFreeSgdState = readonly [ScheduleFreeState<readonly [AddDecayedWeightsState, SgdState]>]

/**
 * Schedule-Free SGD (Defazio et al. 2024): SGD without momentum inside {@link scheduleFree}. No decaying schedule is
 * needed; evaluate at {@link scheduleFreeEvalParams}.
 *
 * ```text
 * z_{t+1} = z_t − α_t·(g_t + λ·y_t)
 * x_{t+1} = (1−c_t)·x_t + c_t·z_{t+1},   c_t = α̂_tᵖ/Σ_{s≤t} α̂_sᵖ,   α̂_t = max_{s≤t} α_s
 * y_{t+1} = β₁·x_{t+1} + (1−β₁)·z_{t+1}          (the params; gradients are taken at y)
 * ```
 *
 * Chain: `chain(scheduleFree(chain(addDecayedWeights(λ), sgd(α)), α, { b1, weightLrPower }))`, α with a linear warmup
 * from 0 over `warmupSteps` when given.
 *
 * References: Defazio et al. 2024, "The Road Less Scheduled", https://arxiv.org/abs/2405.15682
 *
 * @param learningRate - The SGD learning rate (a number). @defaultValue 1
 * @param options - {@link ScheduleFreeSgdOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScheduleFreeSgdState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.scheduleFreeSgd(0.5)
 * let y = tensor([1, 2, 3])
 * let state = opt.init(y)
 * for (let i = 0; i < 50; i++) {
 *   const [u, next] = opt.update(tree.scale(2, y), state, y) // the gradient of Σy²
 *   y = applyUpdates(y, u)
 *   state = next
 * }
 * const x = contrib.scheduleFreeEvalParams(state, y)
 * assert.ok(tree.norm(x) < 0.1)
 * @see scheduleFree, scheduleFreeAdamw, scheduleFreeEvalParams
 * @category contrib
 * @since 0.1.0
 */
export function scheduleFreeSgd(
  learningRate = 1,
  options: ScheduleFreeSgdOptions = {},
): GradientTransformation<ScheduleFreeSgdState> {
  return chain(
    scheduleFree(
      chain(addDecayedWeights(options.weightDecay ?? 0), sgd(withWarmup(learningRate, options.warmupSteps))),
      withWarmup(learningRate, options.warmupSteps),
      options,
    ),
  )
}

withHyperparamDefaults(scheduleFreeSgd, 1, { b1: 0.9, weightLrPower: 2 }, undefined, [1])
