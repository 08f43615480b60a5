import * as tree from '../core/tree'
import type { Leaf } from '../core/types'

/**
 * Clips one leaf unit by unit (optax.unitwise_clip): where the unit's gradient norm reaches `maxNorm`, the gradient
 * is rescaled to that norm; elsewhere it passes unchanged. The three leaves have the same shape (use
 * {@link unitwiseNorm}, which broadcasts the norms back).
 * ```text
 * clip(g)ᵢ = gᵢ                                  if ‖g‖ᵢ < maxᵢ
 *          = gᵢ · maxᵢ / max(‖g‖ᵢ, divEps)       otherwise
 * ```
 * @returns a leaf of the gradient's shape and dtype.
 * @example
 * import { tensor, unitwiseClip, unitwiseNorm } from 'descent-ts'
 * const g = tensor([[3, 0.1], [4, 0.2]])
 * const n = unitwiseNorm(g)
 * const c = unitwiseClip(n, tensor([[1, 1], [1, 1]]), g) as ReturnType<typeof tensor>
 * const [[a, b], [c0, d]] = c.toArray() as [[number, number], [number, number]]
 * const [[, gb], [, gd]] = g.toArray() as [[number, number], [number, number]]
 * assert.ok(Math.abs(a - 0.6) < 1e-6 && Math.abs(c0 - 0.8) < 1e-6 && b === gb && d === gd)
 * @see unitwiseNorm, adaptiveGradClip
 * @category transforms
 * @since 0.2.0
 */
export function unitwiseClip<L extends Leaf>(gNorm: Leaf, maxNorm: Leaf, grad: L, divEps = 1e-6): L {
  const out = tree.mapElementwiseNamed(
    ['gNorm', 'maxNorm', 'grad'],
    (n, m, g) => (n < m ? g : g * (m / Math.max(n, divEps))),
    gNorm,
    maxNorm,
    grad,
  )
  return (typeof grad === 'number' || typeof grad === 'boolean' ? out : tree.cast(out, grad.dtype)) as L
}
