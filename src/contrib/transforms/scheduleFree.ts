import { checkInRange, checkScalarOrSchedule, inheritNotes } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from '../../transforms/_internal/accumulatorDtype'
import type { DType } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree, ScalarOrSchedule } from '../../core/types'
import { checkTransformation } from '../../transforms/_internal/isTransformation'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scheduleFree}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScheduleFreeOptions {
  /** β₁ of the interpolation y = (1−β₁)·z + β₁·x, in (0, 1). @defaultValue 0.9 */
  readonly b1?: number
  /** The averaging weight of step t is max_{s≤t} α_s to this power; ≥ 0. @defaultValue 2 */
  readonly weightLrPower?: number
  /**
   * The dtype of the iterate z (optax's `state_dtype`): z starts as the params cast to it and is stored in it after
   * each step.
   * @defaultValue the dtype of each param
   */
  readonly stateDtype?: DType | undefined
}

/**
 * State of {@link scheduleFree}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScheduleFreeState<S = unknown> {
  /** β₁ (kept so that {@link scheduleFreeEvalParams} can recover x from the params y and z). */
  readonly b1: number
  /** Σ of the averaging weights so far. */
  readonly weightSum: number
  /** The step count, from 1 (as optax; the schedule is evaluated at it). */
  readonly stepCount: number
  /** The largest learning rate seen so far. */
  readonly maxLr: number
  /** The base optimizer's state. */
  readonly baseOptimizerState: S
  /** The base optimizer's iterate z (same structure as the params). */
  readonly z: PyTree
}

/**
 * Schedule-Free learning (Defazio et al. 2024): wraps a base optimizer without momentum and replaces momentum by
 * interpolation and averaging. The params the wrapper moves are the gradient points y; evaluate the model at x with
 * {@link scheduleFreeEvalParams}.
 *
 * ```text
 * α_t = learningRate(stepCount)  (stepCount from 1),  α̂_t = max(α̂_{t−1}, α_t),  w_t = α̂_tᵖ,  W_t = W_{t−1} + w_t
 * c_t = w_t/W_t (0 when 0/0)
 * z_{t+1} = z_t + base.update(g_t)                     (for SGD: z_t − α_t·g_t)
 * x_t = (y_t − (1−β₁)·z_t)/β₁,   x_{t+1} = (1−c_t)·x_t + c_t·z_{t+1}
 * y_{t+1} = β₁·x_{t+1} + (1−β₁)·z_{t+1},   u_t = y_{t+1} − y_t
 * ```
 *
 * References: Defazio et al. 2024, "The Road Less Scheduled", https://arxiv.org/abs/2405.15682
 *
 * @param baseOptimizer - The optimizer whose updates move z (switch its momentum off).
 * @param learningRate - The base optimizer's learning rate (a number or a schedule), for the averaging weights.
 * @param options - {@link ScheduleFreeOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScheduleFreeState}; `update` needs the params.
 * @example
 * import { contrib, sgd, tensor } from 'descent-ts'
 * const tx = contrib.scheduleFree(sgd(0.5), 0.5, { b1: 0.5 })
 * const y = tensor([2])
 * const [u, s] = tx.update(tensor([2]), tx.init(y), y)
 * // z = 2 − 0.5·2 = 1, x = (2 − 0.5·2)/0.5 = 2, c = 1 so x = z = 1, y = 1: u = −1.
 * assert.deepStrictEqual(u.toArray(), [-1])
 * assert.deepStrictEqual(contrib.scheduleFreeEvalParams(s, tensor([1])).toArray(), [1])
 * @see scheduleFreeSgd, scheduleFreeAdamw, scheduleFreeEvalParams
 * @category contrib
 * @since 0.1.0
 */
export function scheduleFree<S>(
  baseOptimizer: GradientTransformation<S>,
  learningRate: ScalarOrSchedule,
  options: ScheduleFreeOptions = {},
): GradientTransformation<ScheduleFreeState<S>> {
  const owner = 'scheduleFree'
  checkTransformation(owner, 'baseOptimizer', baseOptimizer as GradientTransformation<unknown>)
  const lr = checkScalarOrSchedule(owner, 'learningRate', learningRate)
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '(0, 1)')
  const power = checkInRange(owner, 'options.weightLrPower', options.weightLrPower ?? 2, '[0, Infinity)')
  const stateDtype = checkDtype(owner, 'options.stateDtype', options.stateDtype)
  const STATE: StateSpec = {
    b1: 'number',
    weightSum: 'number',
    stepCount: 'count',
    maxLr: 'number',
    baseOptimizerState: 'any',
    z: momentSpec(stateDtype),
  }

  return inheritNotes(
    {
      init: (params) => ({
        b1,
        weightSum: 0,
        stepCount: 1,
        maxLr: 0,
        baseOptimizerState: baseOptimizer.init(params),
        z: copyLeaves(inDtype(params, stateDtype)),
      }),
      update: <P extends PyTree>(grads: P, state: ScheduleFreeState<S>, params?: P, extra?: ExtraArgs) => {
        const y = paramsRequired(owner, params, { chain: 'e.g. contrib.scheduleFreeSgd' })
        checkState(owner, state, STATE, grads, y)
        const maxLr = Math.max(state.maxLr, typeof lr === 'number' ? lr : lr(state.stepCount))
        const weight = maxLr ** power
        const weightSum = state.weightSum + weight
        const ratio = weight / weightSum
        const ck = Number.isNaN(weight) || Number.isNaN(weightSum) ? NaN : Number.isNaN(ratio) ? 0 : ratio
        const [baseUpdates, baseOptimizerState] = baseOptimizer.update(grads, state.baseOptimizerState, y, extra)
        const z = tree.mapElementwiseNamed(['state.z', 'base updates'], (zi, ui) => zi + ui, state.z, baseUpdates)
        const updates = tree.mapElementwiseNamed(
          ['params', 'state.z', 'z'],
          (yi, zOld, zNew) => {
            const xPrev = (yi - (1 - b1) * zOld) / b1
            const x = (1 - ck) * xPrev + ck * zNew
            return b1 * x + (1 - b1) * zNew - yi
          },
          y,
          state.z,
          z,
        )
        const next: ScheduleFreeState<S> = {
          b1: state.b1,
          weightSum,
          stepCount: state.stepCount + 1,
          maxLr,
          baseOptimizerState,
          z: inDtype(z, stateDtype),
        }
        return [updates as P, next] as const
      },
    },
    [baseOptimizer],
  )
}

withHyperparamDefaults(scheduleFree, 2, { b1: 0.9, weightLrPower: 2 }, [undefined, 'learningRate'])
