import { type EmptyState, initEmptyState } from '../core/base'
import type { Tensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { broadcastOver, reduceOver } from './_internal/axes'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

const subtractMean = (g: Tensor | number) => {
  if (typeof g === 'number' || g.shape.length < 2) return g
  const axes = g.shape.slice(1).map((_, i) => i + 1)
  // The mean is rounded to the leaf's dtype (as optax computes it), so the result keeps that dtype.
  const mean = broadcastOver(reduceOver(g, axes, 'mean'), g.shape, axes)
  return tree.mapElementwiseNamed(['updates', 'mean'], (x, m) => x - m, g, mean)
}

/**
 * Centralizes the gradient of every matrix or higher-rank leaf (gradient centralization).
 *
 * For each leaf of rank ≥ 2 the mean over all axes but the first is subtracted, so each slice along the leading
 * axis (e.g. each output unit) has zero mean. Vectors, scalars and number leaves pass through unchanged. Means are
 * accumulated in float64; the result keeps the leaf's dtype.
 *
 * ```text
 * rank ≥ 2:   u[i, …] = g[i, …] − mean_{axes 1..n−1}(g)[i]
 * rank < 2:   u = g
 * ```
 *
 * References: Yong et al. 2020, Gradient Centralization, https://arxiv.org/abs/2004.01461
 *
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @example
 * import { centralize, tensor } from 'descent-ts'
 * const tx = centralize()
 * const [u] = tx.update({ w: tensor([[1, 2, 3], [4, 5, 6]]), b: tensor([1, 2]) }, tx.init({}))
 * assert.deepStrictEqual(u.w.toArray(), [[-1, 0, 1], [-1, 0, 1]])
 * assert.deepStrictEqual(u.b.toArray(), [1, 2])
 * @see clipByBlockRms
 * @category transforms
 * @since 0.1.0
 */
export function centralize(): GradientTransformation<EmptyState> {
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('centralize', state, EMPTY_STATE_SPEC, updates, params)
      return [tree.map(subtractMean, updates), state]
    },
  }
}
