import { DescentError } from '../core/errors'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { checkScale } from './_internal'

/**
 * Euclidean projection onto the ℓ₂ sphere {‖p‖₂ = scale} (optax.projections.projection_l2_sphere), all leaves as one
 * vector. Every point of the sphere is nearest to 0, so x = 0 has no projection: optax returns NaN there, descent
 * throws.
 * ```text
 * P(x) = x · s/‖x‖₂
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @throws HyperparameterError when `scale` is negative or not finite; DescentError when ‖x‖₂ is 0 or not finite.
 * @example
 * import { projections, tensor } from 'descent-ts'
 * assert.deepStrictEqual(projections.projectionL2Sphere(tensor([0.3, 0.4], 'float64'), 10).toArray(), [6, 8])
 * assert.throws(() => projections.projectionL2Sphere([0, 0]), /‖x‖₂ = 0/)
 * @see projectionL2Ball
 * @category projections
 * @since 0.2.0
 */
export function projectionL2Sphere<T extends PyTree>(x: T, scale = 1): T {
  const s = checkScale('projectionL2Sphere', scale, '[0, Infinity)')
  const n = tree.norm(x)
  if (!(n > 0 && Number.isFinite(n))) {
    throw new DescentError(
      `projectionL2Sphere: ‖x‖₂ = ${n}, so x has no unique nearest point on the sphere (every point is nearest to 0). ` +
        'Project a nonzero, finite x, or pick a direction yourself.',
      { code: 'nonFinite' },
    )
  }
  return tree.scale(s / n, x)
}
