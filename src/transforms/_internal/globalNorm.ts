import * as tree from '../../core/tree'
import type { PyTree } from '../../core/types'

/**
 * @internal The global L2 norm of a tree, accumulated in float64. When the sum of squares overflows although every
 * element is finite (float64 leaves above ~1e154), it is recomputed on the tree divided by its largest magnitude, so
 * a huge but finite gradient gets a finite norm instead of Infinity.
 */
export function globalNorm(t: PyTree): number {
  const n = tree.norm(t)
  if (n !== Infinity || !tree.allFinite(t)) return n
  const m = tree.norm(t, { ord: Infinity })
  return m * tree.norm(tree.scale(1 / m, t))
}
