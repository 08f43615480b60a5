import type { PyTree } from '../core/types'
import { checkScale } from './_internal'
import { projectionBox } from './projectionBox'

/**
 * Euclidean projection onto the ℓ∞ ball {‖p‖_∞ ≤ scale} (optax.projections.projection_linf_ball): the box
 * [−scale, scale] in every coordinate.
 * ```text
 * P(x)ᵢ = min(s, max(−s, xᵢ))
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @throws HyperparameterError when `scale` is negative or NaN (Infinity is allowed).
 * @example
 * import { projections, tensor } from 'descent-ts'
 * assert.deepStrictEqual(projections.projectionLinfBall(tensor([-3, 0.5, 2]), 1).toArray(), [-1, 0.5, 1])
 * @see projectionBox
 * @category projections
 * @since 0.2.0
 */
export function projectionLinfBall<T extends PyTree>(x: T, scale = 1): T {
  const s = checkScale('projectionLinfBall', scale)
  return projectionBox(x, -s, s)
}
