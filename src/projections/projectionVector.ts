import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { normalSquared } from './_internal'

/**
 * Orthogonal projection of the tree `x` onto the line spanned by the tree `a` (optax.projections.projection_vector).
 * ```text
 * P(x) = (⟨x, a⟩ / ⟨a, a⟩) · a
 * ```
 * @returns a tree with the structure of `a`.
 * @throws DescentError when `a` is zero or not finite.
 * @example
 * import { projections } from 'descent-ts'
 * assert.deepStrictEqual(projections.projectionVector([2, 3], [1, 0]), [2, 0])
 * assert.deepStrictEqual(projections.projectionVector([1, 3], [1, 1]), [2, 2])
 * @see projectionHyperplane
 * @category projections
 * @since 0.2.0
 */
export function projectionVector<T extends PyTree>(x: T, a: T): T {
  const aa = normalSquared('projectionVector', a)
  return tree.scale(tree.vdot(x, a) / aa, a)
}
