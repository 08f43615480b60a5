import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { checkScale, flatValues, simplexThreshold } from './_internal'

/**
 * Euclidean projection onto the simplex {p ≥ 0, Σp = scale} (optax.projections.projection_simplex), with all the
 * leaves of the tree taken as one vector; the probability simplex by default.
 *
 * The sort-based algorithm of Held, Wolfe & Crowder (1974) (Duchi et al. 2008, fig. 1), O(n log n): with u the
 * values sorted decreasingly, k is the largest index with u_k > (Σ_{i≤k} u_i − scale)/k.
 * ```text
 * P(x) = argmin_{p ≥ 0, Σp = s} ‖x − p‖₂²,   P(x)ᵢ = max(xᵢ − θ, 0),   θ = (Σ_{i≤k} u_i − s)/k
 * ```
 * @returns a tree with the structure and dtypes of `x`, summing to `scale`.
 * @throws HyperparameterError when `scale` is not a positive finite number.
 * @example
 * import { projections, tensor, tree } from 'descent-ts'
 * // optax's docstring example: sum 6.2 projected to sum 1
 * const p = projections.projectionSimplex({ w: tensor([2.5, 3.2], 'float64'), b: 0.5 })
 * assert.ok(Math.abs(tree.sum(p) - 1) < 1e-12)
 * const [w0, w1] = p.w.toArray() as number[] // θ = (3.2 + 2.5 − 1)/2 = 2.35
 * assert.ok(Math.abs(w0! - 0.15) < 1e-12 && Math.abs(w1! - 0.85) < 1e-12)
 * assert.strictEqual(p.b, 0)
 * @see projectionL1Ball, projectionL1Sphere
 * @category projections
 * @since 0.2.0
 */
export function projectionSimplex<T extends PyTree>(x: T, scale = 1): T {
  const s = checkScale('projectionSimplex', scale, '(0, Infinity)')
  const theta = simplexThreshold(flatValues(x), s)
  return tree.mapElementwise((v) => Math.max(v - theta, 0), x)
}
