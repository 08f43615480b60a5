import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { checkParams } from '../core/stateCheck'

/**
 * State of {@link zeroNans}: for each leaf, whether the last updates had a NaN there.
 * @category transforms
 * @since 0.1.0
 */
export interface ZeroNansState {
  /** The structure of the params with one number per leaf: 1 if the last updates had a NaN in that leaf, else 0. */
  readonly foundNan: PyTree
}

/**
 * Replaces NaN values in the updates by 0, and records per leaf whether there were any.
 *
 * Infinities are left as they are. The flags are numbers (0 or 1, one per leaf) rather than booleans, so the state
 * is a numeric pytree like every other state; they describe the last update only.
 *
 * ```text
 * u = 0 where g is NaN, g elsewhere
 * foundNan[leaf] = 1 if any element of g[leaf] is NaN, else 0
 * ```
 *
 * @returns A {@link GradientTransformation} whose state is a {@link ZeroNansState}.
 * @example
 * import { tensor, zeroNans } from 'descent-ts'
 * const tx = zeroNans()
 * const params = { w: tensor([0, 0]), b: 0 }
 * const [u, state] = tx.update({ w: tensor([NaN, Infinity]), b: 2 }, tx.init(params))
 * assert.deepStrictEqual(u.w.toArray(), [0, Infinity])
 * assert.deepStrictEqual(state.foundNan, { w: 1, b: 0 })
 * @see keepParamsNonnegative, clip
 * @category transforms
 * @since 0.1.0
 */
export function zeroNans(): GradientTransformation<ZeroNansState> {
  return {
    init: (params) => (checkParams('zeroNans.init', params), { foundNan: tree.map(() => 0, params) }),
    update: (updates, _state) => {
      const foundNan = tree.map(
        (g) => (tree.sum(tree.mapElementwise((x) => (Number.isNaN(x) ? 1 : 0), g)) > 0 ? 1 : 0),
        updates,
      )
      const out = tree.mapElementwiseNamed(['updates'], (x) => (Number.isNaN(x) ? 0 : x), updates)
      return [out, { foundNan }]
    },
  }
}
