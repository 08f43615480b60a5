import { type EmptyState, initEmptyState } from '../core/base'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { paramsRequired } from './_internal/paramsRequired'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Modifies the updates so that the params stay non-negative: a step that would make θ + u negative is replaced by
 * the step to 0.
 *
 * Put it last in a chain (after the learning rate), since it reasons about the final update. The params must already
 * be non-negative. It needs the params: pass them to `update`.
 *
 * ```text
 * u' = −θ    where θ + u < 0
 * u' = u     elsewhere
 * ```
 *
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws DescentError from `update` when no params are given.
 * @example
 * import { applyUpdates, chain, keepParamsNonnegative, scale, tensor } from 'descent-ts'
 * const tx = chain(scale(-1), keepParamsNonnegative())
 * const params = tensor([1, 2, 0.5])
 * const [u] = tx.update(tensor([3, -1, 0.25]), tx.init(params), params)
 * assert.deepStrictEqual(u.toArray(), [-1, 1, -0.25])
 * assert.deepStrictEqual(applyUpdates(params, u).toArray(), [0, 3, 0.25])
 * @see zeroNans, chain
 * @category transforms
 * @since 0.1.0
 */
export function keepParamsNonnegative(): GradientTransformation<EmptyState> {
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('keepParamsNonnegative', state, EMPTY_STATE_SPEC, updates, params)
      const p = paramsRequired('keepParamsNonnegative', params)
      return [tree.mapElementwiseNamed(['updates', 'params'], (u, w) => (w + u < 0 ? -w : u), updates, p), state]
    },
  }
}
