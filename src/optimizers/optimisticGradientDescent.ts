import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import {
  type ScaleByOptimisticGradientOptions,
  type ScaleByOptimisticGradientState,
  scaleByOptimisticGradient,
} from '../transforms/scaleByOptimisticGradient'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link optimisticGradientDescent}: exactly those of {@link scaleByOptimisticGradient} (numbers; optax's
 * signature says they may be schedules, but its transform only works with numbers).
 * @category optimizers
 * @since 0.1.0
 */
export type OptimisticGradientDescentOptions = ScaleByOptimisticGradientOptions

/**
 * State of {@link optimisticGradientDescent}: the previous gradient, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type OptimisticGradientDescentState = readonly [ScaleByOptimisticGradientState, ScaleByLearningRateState]

/**
 * Optimistic gradient descent (OGD): gradient descent extrapolated with the change of the gradient.
 *
 * `chain(scaleByOptimisticGradient({ alpha, beta }), scaleByLearningRate(learningRate))`, as optax's
 * `optimistic_gradient_descent`. It approximates the extra-gradient method with one gradient per step and converges
 * in the last iterate on bilinear min–max games, where gradient descent–ascent cycles. The first step uses the
 * current gradient as the previous one.
 *
 * ```text
 * η_t = learningRate, or learningRate(count) for a schedule;   g_0 := g_1
 * u_t = −η_t · ( (α + β)·g_t − β·g_{t−1} )
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Mokhtari, Ozdaglar & Pattathil 2019, "A Unified Analysis of Extra-gradient and Optimistic Gradient
 * Methods for Saddle Point Problems: Proximal Point Approach", https://arxiv.org/abs/1901.08511
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link OptimisticGradientDescentOptions} (alpha 1, beta 1).
 * @returns A {@link GradientTransformation} whose state is an {@link OptimisticGradientDescentState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { optimisticGradientDescent } from 'descent-ts'
 * // min_x max_y x·y: gradient descent–ascent spirals out, OGD spirals in to (0, 0).
 * const opt = optimisticGradientDescent(0.1)
 * let [x, y] = [1, 1]
 * let state = opt.init([x, y])
 * for (let i = 0; i < 2000; i++) {
 *   const [u, next] = opt.update([y, -x], state) // descend in x, ascend in y
 *   ;[x, y] = [x + u[0]!, y + u[1]!]
 *   state = next
 * }
 * assert.ok(Math.hypot(x, y) < 1e-3)
 * @see scaleByOptimisticGradient, sgd
 * @category optimizers
 * @since 0.1.0
 */
export function optimisticGradientDescent(
  learningRate: ScalarOrSchedule,
  options: OptimisticGradientDescentOptions = {},
): GradientTransformation<OptimisticGradientDescentState> {
  return chain(scaleByOptimisticGradient(options), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(optimisticGradientDescent, 1, hyperparamDefaultsOf(scaleByOptimisticGradient).values)
