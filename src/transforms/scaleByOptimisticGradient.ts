import { checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', previousGradient: 'tree' }

/**
 * Options of {@link scaleByOptimisticGradient}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByOptimisticGradientOptions {
  /**
   * Coefficient α of the generalised optimistic step (a finite number).
   * @defaultValue 1
   */
  readonly alpha?: number
  /**
   * Coefficient β of the negative momentum on the previous gradient (a finite number).
   * @defaultValue 1
   */
  readonly beta?: number
}

/**
 * State of {@link scaleByOptimisticGradient}: the step count and the previous gradient.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByOptimisticGradientState {
  /** Number of updates done so far (optax keeps a boolean `is_initial_step`; here it is `count === 0`). */
  readonly count: number
  /** The updates received at the previous call, zeros at init. */
  readonly previousGradient: PyTree
}

/**
 * Generalised optimistic gradient: extrapolates with the difference between the current and previous gradients.
 *
 * A one-call approximation of the extra-gradient method with last-iterate convergence in min–max games, where plain
 * gradient descent–ascent cycles. On the first call there is no previous gradient and the current one is used in
 * its place (optax issue #1082), so the first update is α·g. The sign is positive: chain a learning rate (see
 * {@link optimisticGradientDescent}).
 *
 * ```text
 * u_t = (α + β)·g_t − β·g_{t−1}          g_0 := g_1 (first call: u_1 = α·g_1)
 * ```
 *
 * References: Mokhtari, Ozdaglar & Pattathil 2019, "A Unified Analysis of Extra-gradient and Optimistic Gradient
 * Methods for Saddle Point Problems: Proximal Point Approach", https://arxiv.org/abs/1901.08511
 *
 * @param options - {@link ScaleByOptimisticGradientOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByOptimisticGradientState}.
 * @throws HyperparameterError (a `RangeError`) when `alpha` or `beta` is not a finite number.
 * @example
 * import { scaleByOptimisticGradient } from 'descent-ts'
 * const tx = scaleByOptimisticGradient({ alpha: 1, beta: 0.5 })
 * const [u1, s1] = tx.update([2], tx.init([0]))
 * const [u2] = tx.update([4], s1)
 * assert.deepStrictEqual([u1, u2], [[2], [5]]) // 1.5·2 − 0.5·2, then 1.5·4 − 0.5·2
 * @see optimisticGradientDescent
 * @category transforms
 * @since 0.1.0
 */
export function scaleByOptimisticGradient(
  options: ScaleByOptimisticGradientOptions = {},
): GradientTransformation<ScaleByOptimisticGradientState> {
  const owner = 'scaleByOptimisticGradient'
  const alpha = checkInRange(owner, 'options.alpha', options.alpha ?? 1, '(-Infinity, Infinity)')
  const beta = checkInRange(owner, 'options.beta', options.beta ?? 1, '(-Infinity, Infinity)')
  return {
    init: (params) => (
      checkParams('scaleByOptimisticGradient.init', params),
      { count: 0, previousGradient: tree.zerosLike(params) }
    ),
    update: (updates, state, params) => {
      checkState('scaleByOptimisticGradient', state, STATE, updates, params)
      const first = state.count === 0
      const out = tree.mapElementwiseNamed(
        ['updates', 'state.previousGradient'],
        (g, prev) => (alpha + beta) * g - beta * (first ? g : prev),
        updates,
        state.previousGradient,
      )
      return [out, { count: state.count + 1, previousGradient: updates }]
    },
  }
}

withHyperparamDefaults(scaleByOptimisticGradient, 0, { alpha: 1, beta: 1 })
