import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { normalSquared } from './_internal'

/**
 * Euclidean projection onto the hyperplane {y : ⟨a, y⟩ = b} (optax.projections.projection_hyperplane), with `a` a
 * tree of the structure of `x` and `b` a number.
 * ```text
 * P(x) = x + ((b − ⟨a, x⟩) / ⟨a, a⟩) · a
 * ```
 * @returns a tree with the structure of `x`.
 * @throws DescentError when `a` is zero or not finite.
 * @example
 * import { projections } from 'descent-ts'
 * // onto x₁ + x₂ = 1
 * assert.deepStrictEqual(projections.projectionHyperplane([1, 2], [1, 1], 1), [0, 1])
 * @see projectionHalfspace, projectionVector
 * @category projections
 * @since 0.2.0
 */
export function projectionHyperplane<T extends PyTree>(x: T, a: T, b: number): T {
  const aa = normalSquared('projectionHyperplane', a)
  return tree.addScale(x, (b - tree.vdot(x, a)) / aa, a)
}
