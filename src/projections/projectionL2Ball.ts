import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { checkScale } from './_internal'

/**
 * Euclidean projection onto the ℓ₂ ball {‖p‖₂ ≤ scale} (optax.projections.projection_l2_ball), all leaves as one
 * vector. A point inside is returned as is (the same object), so 0 projected onto the ball of radius 0 is 0 rather
 * than optax's 0/0.
 * ```text
 * P(x) = x · min(1, s/‖x‖₂)
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @throws HyperparameterError when `scale` is negative or NaN (Infinity is allowed).
 * @example
 * import { projections, tensor } from 'descent-ts'
 * const [a, b] = projections.projectionL2Ball(tensor([3, 4], 'float64')).toArray() as number[]
 * assert.ok(Math.abs(a! - 0.6) < 1e-15 && Math.abs(b! - 0.8) < 1e-15)
 * assert.deepStrictEqual(projections.projectionL2Ball({ a: 3, b: 4 }, 10), { a: 3, b: 4 })
 * @see projectionL2Sphere
 * @category projections
 * @since 0.2.0
 */
export function projectionL2Ball<T extends PyTree>(x: T, scale = 1): T {
  const s = checkScale('projectionL2Ball', scale)
  const n = tree.norm(x)
  return n <= s ? x : tree.scale(s / n, x)
}
