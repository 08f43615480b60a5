import * as tree from '../core/tree'
import type { Leaf, PyTree } from '../core/types'
import { batchLeaves, perExampleGlobalNormClip } from './perExampleGlobalNormClip'

/**
 * Per-example clipping layer by layer (optax.per_example_layer_norm_clip): each leaf (layer) of each example is
 * clipped to its own share of the global bound, then summed over the examples. The shares are equal (`uniform`) or
 * proportional to the layer sizes, and their squares add up to C², so the whole example stays within C.
 * ```text
 * C_l = C·√(1/L)   (uniform)      C_l = C·√(n_l/N)   (by size)
 * out_l = Σ_b min(1, C_l/‖g_{b,l}‖)·g_{b,l}
 * ```
 * @returns `[clippedSums, numClipped]`: two trees of the structure of `grads`.
 * @throws ShapeError when a leaf has no batch axis of the common size.
 * @example
 * import { perExampleLayerNormClip, tensor } from 'descent-ts'
 * const g = { a: tensor([[3, 4]], 'float64'), b: tensor([[0.1]], 'float64') }
 * const [sums, clipped] = perExampleLayerNormClip(g, Math.SQRT2) // each layer bound to 1
 * assert.deepStrictEqual(clipped, { a: 1, b: 0 })
 * assert.ok(Math.abs((sums.a.toArray() as number[])[0]! - 0.6) < 1e-15)
 * @see perExampleGlobalNormClip
 * @category transforms
 * @since 0.2.0
 */
export function perExampleLayerNormClip<T extends PyTree>(
  grads: T,
  globalL2NormClip: number,
  uniform = true,
): readonly [T, T] {
  const { leaves, batch } = batchLeaves('perExampleLayerNormClip', grads)
  const total = leaves.reduce((s, g) => s + g.size / Math.max(batch, 1), 0)
  const clipOf = (n: number) => globalL2NormClip * Math.sqrt(uniform ? 1 / leaves.length : n / total)
  const [, def] = tree.flatten(grads)
  const parts = leaves.map((g) => perExampleGlobalNormClip(g, clipOf(g.size / Math.max(batch, 1))))
  const sums = parts.map(([sum]) => sum as Leaf)
  const counts = parts.map(([, count]) => count)
  return [tree.unflatten(def, sums) as T, tree.unflatten(def, counts) as T]
}
