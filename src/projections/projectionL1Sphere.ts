import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { checkScale, flatValues, simplexThreshold } from './_internal'

/**
 * Euclidean projection onto the ℓ₁ sphere {‖p‖₁ = scale} (optax.projections.projection_l1_sphere), all leaves as one
 * vector: the simplex projection of |x|, with the signs of x put back (a zero counts as positive, as in optax).
 * ```text
 * P(x)ᵢ = sgn(xᵢ)·max(|xᵢ| − θ, 0),   θ the simplex threshold of |x| for the sum `scale`,   sgn(0) = 1
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @throws HyperparameterError when `scale` is not a positive finite number.
 * @example
 * import { projections, tensor, tree } from 'descent-ts'
 * const p = projections.projectionL1Sphere(tensor([0.1, -0.2], 'float64'), 2)
 * const [a, b] = p.toArray() as number[] // θ = −0.85: |x| + 0.85
 * assert.ok(Math.abs(a! - 0.95) < 1e-12 && Math.abs(b! + 1.05) < 1e-12)
 * assert.ok(Math.abs(tree.norm(p, { ord: 1 }) - 2) < 1e-12)
 * @see projectionL1Ball, projectionSimplex
 * @category projections
 * @since 0.2.0
 */
export function projectionL1Sphere<T extends PyTree>(x: T, scale = 1): T {
  const s = checkScale('projectionL1Sphere', scale, '(0, Infinity)')
  const theta = simplexThreshold(
    flatValues(x).map((v) => Math.abs(v)),
    s,
  )
  return tree.mapElementwise((v) => (v < 0 ? -1 : 1) * Math.max(Math.abs(v) - theta, 0), x)
}
