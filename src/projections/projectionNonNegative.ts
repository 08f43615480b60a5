import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * Euclidean projection onto the non-negative orthant (optax.projections.projection_non_negative), leaf by leaf.
 * ```text
 * P(x) = argmin_{p ≥ 0} ‖x − p‖₂²,   P(x)ᵢ = max(xᵢ, 0)
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @example
 * import { projections, tensor } from 'descent-ts'
 * const p = projections.projectionNonNegative({ w: tensor([-1, 2]), b: -3 })
 * assert.deepStrictEqual(p.w.toArray(), [0, 2])
 * assert.strictEqual(p.b, 0)
 * @see projectionBox
 * @category projections
 * @since 0.2.0
 */
export const projectionNonNegative = <T extends PyTree>(x: T): T => tree.mapElementwise((v) => Math.max(v, 0), x)
