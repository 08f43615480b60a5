import type { EmptyState } from '../core/base'
import { attachNotes, checkBoolean, checkScalarOrSchedule } from '../core/hyperparams'
import type { GradientTransformation, ScalarOrSchedule, Schedule } from '../core/types'
import type { Fusible } from '../core/fusion'
import { firstArg } from './_internal/firstArg'
import { constantScaling, scheduledScaling } from './_internal/scaling'
import type { ScaleByScheduleState } from './scaleBySchedule'

/**
 * Options of {@link scaleByLearningRate}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByLearningRateOptions {
  /**
   * A finite number or a schedule `(count) => number`.
   * @defaultValue required
   */
  readonly learningRate: ScalarOrSchedule
  /**
   * Multiply by −learningRate (descent) instead of +learningRate.
   * @defaultValue true
   */
  readonly flipSign?: boolean
}

/**
 * State of {@link scaleByLearningRate}: empty for a constant learning rate, a step count for a schedule.
 * @category transforms
 * @since 0.1.0
 */
export type ScaleByLearningRateState = EmptyState | ScaleByScheduleState

type Rest = Omit<ScaleByLearningRateOptions, 'learningRate'>

/**
 * Multiplies updates by the (negated) learning rate: the last link of every optimizer.
 *
 * Optimizers return updates to be *added* to the params, so the descent direction comes from this sign flip.
 * A constant learning rate gives {@link scale}(−lr) with no state; a schedule gives
 * {@link scaleBySchedule}(c ↦ −lr(c)), whose first update uses `lr(0)`.
 *
 * ```text
 * u_t = −α_t · g_t          (+α_t · g_t when flipSign is false)
 * α_t = learningRate, or learningRate(count) for a schedule (count starts at 0)
 * ```
 *
 * @param learningRate - A finite number or a schedule `(count) => number`, or all the options in one object
 * (`scaleByLearningRate({ learningRate, flipSign })`, optax's keywords).
 * @param options - {@link ScaleByLearningRateOptions} without `learningRate`.
 * @returns A {@link GradientTransformation}: stateless for a number, with a {@link ScaleByScheduleState} for a
 * schedule.
 * @throws HyperparameterError when the learning rate is neither a finite number nor a function, or `flipSign` is
 * not a boolean.
 * @example
 * import { scaleByLearningRate, tensor } from 'descent-ts'
 * const sgd = scaleByLearningRate(0.5)
 * const [u] = sgd.update({ w: tensor([1, -2]) }, sgd.init({ w: tensor([0, 0]) }))
 * assert.deepStrictEqual(u.w.toArray(), [-0.5, 1])
 * const decayed = scaleByLearningRate((count) => 1 / (count + 1))
 * const [u0, s1] = decayed.update([4], decayed.init([0]))
 * assert.deepStrictEqual([u0, decayed.update([4], s1)[0]], [[-4], [-2]])
 * const ascent = scaleByLearningRate({ learningRate: 0.5, flipSign: false })
 * assert.deepStrictEqual(ascent.update([4], ascent.init([0]))[0], [2])
 * @see scale, scaleBySchedule, sgd, adam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByLearningRate(
  learningRate: number | (Rest & { readonly learningRate: number }),
  options?: Rest,
): GradientTransformation<EmptyState>
export function scaleByLearningRate(
  learningRate: Schedule | (Rest & { readonly learningRate: Schedule }),
  options?: Rest,
): GradientTransformation<ScaleByScheduleState>
export function scaleByLearningRate(
  learningRate: ScalarOrSchedule | ScaleByLearningRateOptions,
  options?: Rest,
): GradientTransformation<ScaleByLearningRateState>
export function scaleByLearningRate(
  learningRateOrOptions: ScalarOrSchedule | ScaleByLearningRateOptions,
  rest: Rest = {},
):
  | GradientTransformation<EmptyState>
  | GradientTransformation<ScaleByScheduleState>
  | GradientTransformation<ScaleByLearningRateState> {
  const [options, name] = firstArg<ScaleByLearningRateOptions, 'learningRate'>(
    learningRateOrOptions,
    'learningRate',
    rest,
  )
  const owner = 'scaleByLearningRate'
  const lr = checkScalarOrSchedule(owner, name, options.learningRate)
  const flip = checkBoolean(owner, 'options.flipSign', options.flipSign ?? true)
  const sign = flip ? -1 : 1
  // lr is checked (a schedule's values too, where it is evaluated), so the schedule goes in as it is.
  // currentLearningRate reads α from these facts (not the signed factor): the rate the next update uses.
  const facts: Fusible = { kind: 'scale', learningRate: lr }
  const tx =
    typeof lr === 'number' ? constantScaling(sign * lr, facts) : scheduledScaling((count) => sign * lr(count), facts)
  return attachNotes(tx, [['learningRate', lr, flip]])
}
