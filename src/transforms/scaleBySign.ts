import { type EmptyState, initEmptyState } from '../core/base'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Replaces each update by its sign: −1, 0 or +1 (sign(0) = 0).
 *
 * The building block of signSGD and Signum: only the direction of each coordinate is kept, not its magnitude.
 * NaN stays NaN. Stateless. Tensor updates keep their dtype.
 *
 * ```text
 * u_t = sign(g_t)
 * ```
 *
 * References: Bernstein et al. 2018, "signSGD: Compressed Optimisation for Non-Convex Problems",
 * https://arxiv.org/abs/1802.04434
 *
 * @returns A stateless {@link GradientTransformation}.
 * @example
 * import { scaleBySign, tensor } from 'descent-ts'
 * const tx = scaleBySign()
 * const [u] = tx.update(tensor([3, -0.001, 0]), tx.init(tensor([0, 0, 0])))
 * assert.deepStrictEqual(u.toArray(), [1, -1, 0])
 * @see signSgd, signum, scaleByLion
 * @category transforms
 * @since 0.1.0
 */
export const scaleBySign = (): GradientTransformation<EmptyState> => ({
  init: initEmptyState,
  update: (updates, state, params) => {
    checkState('scaleBySign', state, EMPTY_STATE_SPEC, updates, params)
    return [tree.mapElementwiseNamed(['updates'], Math.sign, updates), state]
  },
})
