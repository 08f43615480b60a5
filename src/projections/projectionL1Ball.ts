import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { checkScale } from './_internal'
import { projectionL1Sphere } from './projectionL1Sphere'

/**
 * Euclidean projection onto the ℓ₁ ball {‖p‖₁ ≤ scale} (optax.projections.projection_l1_ball), all leaves as one
 * vector: `x` itself when it is inside, else its projection onto the sphere (Duchi et al. 2008). A point inside is
 * returned as is (the same object).
 * ```text
 * P(x) = x  if ‖x‖₁ ≤ s,   else  sgn(x)·max(|x| − θ, 0)  with Σ max(|xᵢ| − θ, 0) = s
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @throws HyperparameterError when `scale` is negative or NaN (Infinity is allowed).
 * @example
 * import { projections, tensor, tree } from 'descent-ts'
 * // optax's docstring example: ‖x‖₁ = 6.2 projected to 1
 * const p = projections.projectionL1Ball({ w: tensor([2.5, 3.2], 'float64'), b: 0.5 })
 * assert.ok(Math.abs(tree.norm(p, { ord: 1 }) - 1) < 1e-12)
 * const inside = tensor([0.25, -0.5])
 * assert.strictEqual(projections.projectionL1Ball(inside), inside)
 * @see projectionL1Sphere, projectionSimplex
 * @category projections
 * @since 0.2.0
 */
export function projectionL1Ball<T extends PyTree>(x: T, scale = 1): T {
  const s = checkScale('projectionL1Ball', scale)
  if (tree.norm(x, { ord: 1 }) <= s) return x
  return s === 0 ? tree.zerosLike(x) : projectionL1Sphere(x, s)
}
