import type { PyTree } from '../core/types'
import { projectionBox } from './projectionBox'

/**
 * Euclidean projection onto the hypercube 0 ≤ p ≤ scale (optax.projections.projection_hypercube): the unit
 * hypercube by default. `scale` is a number or a tree of the structure of `x`.
 * ```text
 * P(x)ᵢ = min(scaleᵢ, max(0, xᵢ))
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @example
 * import { projections, tensor } from 'descent-ts'
 * assert.deepStrictEqual(projections.projectionHypercube(tensor([-1, 0.25, 3])).toArray(), [0, 0.25, 1])
 * assert.deepStrictEqual(projections.projectionHypercube([5, -5], 2), [2, 0])
 * @see projectionBox
 * @category projections
 * @since 0.2.0
 */
export const projectionHypercube = <T extends PyTree>(x: T, scale: number | T = 1): T => projectionBox(x, 0, scale)
