import type { EmptyState } from '../core/base'
import { chain } from '../core/chain'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from '../transforms/scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByOptimisticGradientState, scaleByOptimisticGradient } from '../transforms/scaleByOptimisticGradient'

/**
 * Options of {@link optimisticAdam}: Adam's (Nesterov on by default, as optax) and the optimism.
 * @category optimizers
 * @since 0.2.0
 */
export interface OptimisticAdamOptions extends ScaleByAdamOptions {
  /** Weight β of the gradient change (the optimism). @defaultValue the learning rate */
  readonly optimism?: number
}

/**
 * Options of {@link optimisticAdamV2}.
 * @category optimizers
 * @since 0.2.0
 */
export interface OptimisticAdamV2Options extends ScaleByAdamOptions {
  /** Weight α of the current (Adam-scaled) update. @defaultValue 1 */
  readonly alpha?: number
  /** Weight β of its change since the previous step. @defaultValue 1 */
  readonly beta?: number
}

/**
 * State of {@link optimisticAdam}: its chain's states (the learning rate 1 is a number, so its state is empty).
 * @category optimizers
 * @since 0.2.0
 */
export type OptimisticAdamState = readonly [ScaleByAdamState, ScaleByOptimisticGradientState, EmptyState]

/**
 * State of {@link optimisticAdamV2}: its chain's states.
 * @category optimizers
 * @since 0.2.0
 */
export type OptimisticAdamV2State = readonly [
  ScaleByAdamState,
  ScaleByOptimisticGradientState,
  ScaleByLearningRateState,
]

/**
 * Optimistic Adam (Daskalakis et al. 2017, https://arxiv.org/abs/1711.00141), optax's first version
 * (optax.optimistic_adam, deprecated there in favour of {@link optimisticAdamV2}): Adam's step a_t extrapolated with
 * its change, for min–max games. The learning rate is the weight of the step itself and must be a number.
 * ```text
 * a_t = Adam step (Nesterov by default)        u_t = −( (η + o)·a_t − o·a_{t−1} ),  o = optimism (default η)
 * ```
 * @returns `chain(scaleByAdam({ ...options, nesterov }), scaleByOptimisticGradient({ alpha: η, beta: o }),
 * scaleByLearningRate(1))`.
 * @example
 * import { optimisticAdam, optimisticAdamV2, tensor } from 'descent-ts'
 * const g = tensor([0.5, -2], 'float64')
 * const p = tensor([0, 0], 'float64')
 * const a = optimisticAdam(0.01)
 * const b = optimisticAdamV2(1, { alpha: 0.01, beta: 0.01 })
 * assert.deepStrictEqual(a.update(g, a.init(p))[0].toArray(), b.update(g, b.init(p))[0].toArray())
 * @see optimisticAdamV2, optimisticGradientDescent
 * @category optimizers
 * @since 0.2.0
 */
export function optimisticAdam(
  learningRate: number,
  options: OptimisticAdamOptions = {},
): GradientTransformation<OptimisticAdamState> {
  return chain(
    scaleByAdam({ ...options, nesterov: options.nesterov ?? true }),
    scaleByOptimisticGradient({ alpha: learningRate, beta: options.optimism ?? learningRate }),
    scaleByLearningRate(1),
  )
}

/**
 * Optimistic Adam, optax's second version (optax.optimistic_adam_v2): the optimistic extrapolation of Adam's step
 * with its own weights α and β, and a learning rate (number or schedule) on top.
 * ```text
 * a_t = Adam step (Nesterov by default)        u_t = −η_t·( (α + β)·a_t − β·a_{t−1} )
 * ```
 * @returns `chain(scaleByAdam({ ...options, nesterov }), scaleByOptimisticGradient({ alpha, beta }),
 * scaleByLearningRate(learningRate))`.
 * @example
 * import { optimisticAdamV2, tensor, tree } from 'descent-ts'
 * // optax's docstring: the bilinear game min_x max_y xy from (1, 2); the distance to the equilibrium shrinks
 * const opt = optimisticAdamV2(1, { alpha: 1e-2, beta: 1 })
 * let p = [1, 2]
 * let s = opt.init(p)
 * for (let i = 0; i < 1024; i++) {
 *   const [u, next] = opt.update([p[1]!, -p[0]!], s, p)
 *   p = tree.add(p, u)
 *   s = next
 * }
 * assert.ok(Math.hypot(p[0]!, p[1]!) < 0.01) // optax prints 0.001 at step 1024
 * @see optimisticAdam
 * @category optimizers
 * @since 0.2.0
 */
export function optimisticAdamV2(
  learningRate: ScalarOrSchedule,
  options: OptimisticAdamV2Options = {},
): GradientTransformation<OptimisticAdamV2State> {
  return chain(
    scaleByAdam({ ...options, nesterov: options.nesterov ?? true }),
    scaleByOptimisticGradient({ alpha: options.alpha ?? 1, beta: options.beta ?? 1 }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(optimisticAdam, 1, hyperparamDefaultsOf(scaleByAdam).values)
withHyperparamDefaults(optimisticAdamV2, 1, { ...hyperparamDefaultsOf(scaleByAdam).values, alpha: 1, beta: 1 })
