import { ShapeError } from '../core/errors'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/** Every leaf as a tensor with the same leading (batch) size; a ShapeError otherwise. */
export function batchLeaves(owner: string, grads: PyTree): { leaves: Tensor[]; batch: number } {
  const leaves = tree.leaves(grads)
  const first = leaves[0]
  const batch = isTensor(first) && first.shape.length >= 1 ? first.shape[0]! : -1
  if (batch < 0 || leaves.some((l) => !isTensor(l) || l.shape.length < 1 || l.shape[0] !== batch)) {
    throw new ShapeError(
      `${owner} expects every leaf of grads to be a tensor with the batch (per-example) dimension first, all of the ` +
        'same size; vmap your per-example gradients or stack them on axis 0.',
    )
  }
  return { leaves: leaves as Tensor[], batch }
}

/** Σ_b m_b·g[b], over axis 0 of a leaf. */
export function weightedSum(g: Tensor, m: readonly number[]): Tensor {
  const b = g.shape[0]!
  const n = g.size / Math.max(b, 1)
  const out = new (arrayTypeOf(g.dtype))(n)
  for (let i = 0; i < b; i++) for (let j = 0; j < n; j++) out[j] = out[j]! + m[i]! * g.data[i * n + j]!
  return fromStorage(out, g.shape.slice(1))
}

/**
 * Clips each example's gradient to global L2 norm `l2NormClip`, then sums over the examples
 * (optax.per_example_global_norm_clip, the core of DP-SGD). Every leaf has the batch on axis 0.
 * ```text
 * m_b = min(1, C/‖g_b‖)  (1 for a zero gradient)        out = Σ_b m_b·g_b,   numClipped = #{b : m_b < 1}
 * ```
 * @returns `[clippedSum, numClipped]`: the summed tree (leaves without the batch axis) and the count.
 * @throws ShapeError when a leaf has no batch axis of the common size.
 * @example
 * import { perExampleGlobalNormClip, tensor, type Tensor } from 'descent-ts'
 * // example norms 5 and 0.5: the first is scaled to norm 1
 * const [sum, n] = perExampleGlobalNormClip({ w: tensor([[3, 4], [0.3, 0.4]], 'float64') }, 1)
 * const [a, b] = (sum as { w: Tensor }).w.toArray() as [number, number]
 * assert.ok(n === 1 && Math.abs(a - 0.9) < 1e-15 && Math.abs(b - 1.2) < 1e-15)
 * @see perExampleLayerNormClip, clipByGlobalNorm
 * @category transforms
 * @since 0.2.0
 */
export function perExampleGlobalNormClip<T extends PyTree>(grads: T, l2NormClip: number): readonly [PyTree, number] {
  const { leaves, batch } = batchLeaves('perExampleGlobalNormClip', grads)
  const sq = new Array<number>(batch).fill(0)
  for (const g of leaves) {
    const n = g.size / Math.max(batch, 1)
    for (let i = 0; i < batch; i++) for (let j = 0; j < n; j++) sq[i] = sq[i]! + g.data[i * n + j]! ** 2
  }
  const m = sq.map((s) => {
    const r = Math.min(l2NormClip / Math.sqrt(s), 1)
    return Number.isNaN(r) ? 1 : r
  })
  const numClipped = m.filter((v) => v < 1).length
  return [tree.map((g) => weightedSum(g as Tensor, m), grads), numClipped]
}
