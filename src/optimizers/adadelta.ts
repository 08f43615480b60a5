import { type EmptyState, identity } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../transforms/addDecayedWeights'
import { type ScaleByAdadeltaOptions, type ScaleByAdadeltaState, scaleByAdadelta } from '../transforms/scaleByAdadelta'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adadelta}: those of {@link scaleByAdadelta}, plus weight decay applied to the gradient.
 * @category optimizers
 * @since 0.1.0
 */
export interface AdadeltaOptions extends ScaleByAdadeltaOptions {
  /**
   * Weight-decay rate λ (number or schedule), added to the gradient **before** Adadelta's rescaling (so, unlike
   * AdamW's, it is rescaled too). A literal 0 is skipped.
   * @defaultValue 0
   */
  readonly weightDecay?: ScalarOrSchedule | undefined
  /**
   * Which params are decayed: a tree of booleans (a prefix of the params) or a function of the params.
   * @defaultValue undefined (all params)
   */
  readonly weightDecayMask?: MaskOrFn | undefined
}

/**
 * State of {@link adadelta}: the weight-decay state, the Adadelta averages, then the learning-rate state (empty
 * without a learning rate).
 * @category optimizers
 * @since 0.1.0
 */
export type AdadeltaState = readonly [
  AddDecayedWeightsState,
  ScaleByAdadeltaState,
  ScaleByLearningRateState | EmptyState,
]

/**
 * Adadelta: steps scaled by the ratio of the RMS of past updates to the RMS of past gradients.
 *
 * `chain(addDecayedWeights({ weightDecay, mask: weightDecayMask }), scaleByAdadelta(options),
 * learningRate === undefined ? identity() : scaleByLearningRate(learningRate))`, as optax's `adadelta`.
 *
 * **Without a learning rate there is no sign flip, so the updates point along the gradient and `adadelta()`
 * ascends the loss.** This is optax's behaviour (its `scale_by_learning_rate(None)` is the identity, and its
 * convergence tests skip `adadelta()` for that reason). To use the paper's learning-rate-free method, pass
 * `learningRate = 1`. The params are required (the weight-decay step reads them, even at rate 0): pass them to
 * `update`.
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule (no learning rate: u_t = +Δ_t)
 * g̃_t = g_t + λ·θ_t
 * E[g²]_t  = ρ·E[g²]_{t−1} + (1−ρ)·g̃_t²                  E[g²]_0 = E[Δ²]_0 = 0
 * Δ_t      = √(E[Δ²]_{t−1} + ε) / √(E[g²]_t + ε) · g̃_t
 * E[Δ²]_t  = ρ·E[Δ²]_{t−1} + (1−ρ)·Δ_t²
 * u_t = −α_t · Δ_t
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", https://arxiv.org/abs/1212.5701
 *
 * @param learningRate - A positive number, a {@link Schedule} of the step count, or `undefined` (no scaling and no
 * sign flip: ascent).
 * @param options - {@link AdadeltaOptions} (rho 0.9, eps 1e-6, weightDecay 0, no mask).
 * @returns A {@link GradientTransformation} whose state is an {@link AdadeltaState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adadelta } from 'descent-ts'
 * const params = [0]
 * const descent = adadelta(1, { rho: 0.5, eps: 1 })
 * const ascent = adadelta(undefined, { rho: 0.5, eps: 1 })
 * const [d] = descent.update([2], descent.init(params), params)
 * const [a] = ascent.update([2], ascent.init(params), params)
 * // Δ = √1/√(0.5·4 + 1)·2; with no learning rate the update has the gradient's sign.
 * assert.ok(Math.abs(d[0]! + 2 / Math.sqrt(3)) < 1e-12 && a[0] === -d[0]!)
 * @see scaleByAdadelta, adagrad, rmsprop
 * @category optimizers
 * @since 0.1.0
 */
export function adadelta(
  learningRate?: ScalarOrSchedule,
  options: AdadeltaOptions = {},
): GradientTransformation<AdadeltaState> {
  return chain(
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.weightDecayMask }),
    scaleByAdadelta(options),
    learningRate === undefined ? identity() : scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(adadelta, 1, { ...hyperparamDefaultsOf(scaleByAdadelta).values, weightDecay: 0 })
