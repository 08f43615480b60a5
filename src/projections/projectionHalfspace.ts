import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { normalSquared } from './_internal'

/**
 * Euclidean projection onto the halfspace {y : ⟨a, y⟩ ≤ b} (optax.projections.projection_halfspace): `x` when it is
 * inside, else its projection onto the boundary hyperplane.
 * ```text
 * P(x) = x + min(0, (b − ⟨a, x⟩) / ⟨a, a⟩) · a
 * ```
 * @returns a tree with the structure of `x`.
 * @throws DescentError when `a` is zero or not finite.
 * @example
 * import { projections } from 'descent-ts'
 * assert.deepStrictEqual(projections.projectionHalfspace([1, 2], [1, 1], 1), [0, 1])
 * assert.deepStrictEqual(projections.projectionHalfspace([0, 0.5], [1, 1], 1), [0, 0.5])
 * @see projectionHyperplane
 * @category projections
 * @since 0.2.0
 */
export function projectionHalfspace<T extends PyTree>(x: T, a: T, b: number): T {
  const aa = normalSquared('projectionHalfspace', a)
  return tree.addScale(x, Math.min(0, (b - tree.vdot(x, a)) / aa), a)
}
