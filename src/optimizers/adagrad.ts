import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByRssOptions, type ScaleByRssState, scaleByRss } from '../transforms/scaleByRss'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adagrad}: exactly those of {@link scaleByRss}.
 * @category optimizers
 * @since 0.1.0
 */
export type AdagradOptions = ScaleByRssOptions

/**
 * State of {@link adagrad}: the accumulated sum of squared gradients, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AdagradState = readonly [ScaleByRssState, ScaleByLearningRateState]

/**
 * AdaGrad: per-coordinate steps divided by the root of the sum of all squared gradients to date.
 *
 * `chain(scaleByRss(options), scaleByLearningRate(learningRate))`, as optax's `adagrad`. Steps shrink as gradients
 * accumulate, which suits sparse gradients and convex problems; the accumulator starts at 0.1, not 0, and ε sits
 * inside the square root (PyTorch: accumulator 0, ε outside the root).
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule
 * s_t = s_{t−1} + g_t²                         s_0 = initialAccumulatorValue
 * u_t = −α_t · g_t / √(s_t + ε)   where s_t > 0, else 0
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", https://jmlr.org/papers/v12/duchi11a.html
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdagradOptions} (initialAccumulatorValue 0.1, eps 1e-7).
 * @returns A {@link GradientTransformation} whose state is an {@link AdagradState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adagrad, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = adagrad(0.5)
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * @see scaleByRss
 * @category optimizers
 * @since 0.1.0
 */
export function adagrad(
  learningRate: ScalarOrSchedule,
  options: AdagradOptions = {},
): GradientTransformation<AdagradState> {
  return chain(scaleByRss(options), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(adagrad, 1, hyperparamDefaultsOf(scaleByRss).values)
