import { zipLeaves } from '../core/leafMath'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

const clip = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi)
const NAMES = ['x', 'lower', 'upper']

/**
 * Euclidean projection onto the box lower ≤ p ≤ upper (optax.projections.projection_box). Each bound is a number or
 * a tree of the structure of `x`; the projection clips each element and keeps the dtype of each leaf of `x`.
 * ```text
 * P(x) = argmin_{lower ≤ p ≤ upper} ‖x − p‖₂²,   P(x)ᵢ = min(upperᵢ, max(lowerᵢ, xᵢ))
 * ```
 * @returns a tree with the structure and dtypes of `x`.
 * @example
 * import { projections, tensor } from 'descent-ts'
 * assert.deepStrictEqual(projections.projectionBox(tensor([-3, 0.5, 7]), -1, 1).toArray(), [-1, 0.5, 1])
 * const p = projections.projectionBox({ a: 5, b: 5 }, 0, { a: 1, b: 10 })
 * assert.deepStrictEqual(p, { a: 1, b: 5 })
 * @see projectionHypercube, projectionLinfBall
 * @category projections
 * @since 0.2.0
 */
export function projectionBox<T extends PyTree>(x: T, lower: number | T, upper: number | T): T {
  if (typeof lower === 'number' && typeof upper === 'number')
    return tree.mapElementwise((v) => clip(v, lower, upper), x)
  const lo = typeof lower === 'number' ? tree.fullLike(x, lower) : lower
  const hi = typeof upper === 'number' ? tree.fullLike(x, upper) : upper
  return tree.mapWithPath(
    (path, v, l, h) => zipLeaves(clip, [v, l, h], path, NAMES, isTensor(v) ? v.dtype : undefined),
    x,
    lo,
    hi,
  )
}
