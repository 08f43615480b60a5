import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * @internal One pass over the gradients: the global L2 norm and the RMS of each weight leaf (rank ≥ 2) by path.
 * ```text
 * ‖g‖ = √Σ_leaves ‖g_leaf‖²        rms(leaf) = ‖g_leaf‖ / √size(leaf)
 * ```
 */
export function gradStats(grads: PyTree): { readonly norm: number; readonly layerRms: Record<string, number> } {
  let total = 0
  const layerRms: Record<string, number> = {}
  for (const [path, leaf] of tree.flattenWithPath(grads)[0]) {
    const sq = tree.norm(leaf, { squared: true })
    total += sq
    if (isTensor(leaf) && leaf.shape.length >= 2 && leaf.size > 0) {
      layerRms[tree.keystr(path, 'grads')] = Math.sqrt(sq / leaf.size)
    }
  }
  return { norm: Math.sqrt(total), layerRms }
}
