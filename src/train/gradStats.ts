import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { leafSquares } from './stepNorms'

/** The gradient measurements of one step (see {@link gradStats}). */
export interface GradStats {
  readonly norm: number
  readonly layerRms: Record<string, number>
  /** Per weight leaf: the fraction of its units (columns) whose gradient is exactly 0. Empty unless asked for. */
  readonly deadUnits: Record<string, number>
}

/**
 * @internal One pass over the gradients: the global L2 norm, the RMS of each weight leaf (rank ≥ 2) by path, and
 * (with `deadUnits`, when the gradient is not 0 altogether) the fraction of each weight leaf's units whose gradient is
 * exactly 0. A unit is a column: the last axis, as in `x @ W` with `W` of shape [in, out] (descent's initialisers,
 * Flax's Dense). A ReLU unit that is inactive on every example of the batch gets exactly 0 in its whole column (and
 * its bias); rows are inputs, and a zero row (an input feature that is 0 throughout the batch: MNIST's border pixels,
 * one-hot features) says nothing about the model. Leaves in `skip` (params the loss never reads, whose gradient is 0
 * by construction) are left out of the per-leaf figures.
 * ```text
 * ‖g‖ = √Σ_leaves ‖g_leaf‖²        rms(leaf) = ‖g_leaf‖ / √size(leaf)
 * dead(leaf) = #{ j : g_leaf[…, j] = 0 } / #columns
 * ```
 */
export function gradStats(
  grads: PyTree,
  options: {
    readonly deadUnits?: boolean
    readonly skip?: readonly string[]
    /** Σg² of each leaf in tree order, when a kernel already summed them (the bits of tree.norm's squared norm). */
    readonly squares?: readonly number[] | undefined
  } = {},
): GradStats {
  let total = 0
  const layerRms: Record<string, number> = {}
  const weights: [string, Float32Array | Float64Array, number][] = []
  const leaves = tree.flattenWithPath(grads)[0]
  const known = options.squares !== undefined && options.squares.length === leaves.length ? options.squares : null
  for (let i = 0; i < leaves.length; i++) {
    const [path, leaf] = leaves[i]!
    const sq = known !== null ? known[i]! : leafSquares(leaf)
    total += sq
    if (isTensor(leaf) && leaf.shape.length >= 2 && leaf.size > 0) {
      const name = tree.keystr(path, 'grads')
      if ((options.skip ?? []).includes(name)) continue
      layerRms[name] = Math.sqrt(sq / leaf.size)
      if (options.deadUnits === true) weights.push([name, leaf.data, leaf.shape[leaf.shape.length - 1]!])
    }
  }
  const deadUnits: Record<string, number> = {}
  if (total > 0) {
    for (const [name, data, cols] of weights) {
      if (cols >= 2) deadUnits[name] = zeroColumnFraction(data, cols)
    }
  }
  return { norm: Math.sqrt(total), layerRms, deadUnits }
}

/**
 * The fraction of the columns of a row-major [rows, cols] array that are 0 throughout. Stops at the first row by
 * which every column has shown a non-zero (a row or two on a healthy layer), so it costs far less than the norm.
 * The rows are visited from the middle one on, wrapping around: the answer does not depend on the order, and the
 * first rows of an input layer are often the inputs that are 0 on every example (an image's border pixels: MNIST's
 * first ≈ 100 of 784), which would otherwise all be read before the first live row. The columns still all 0 are
 * kept in a list that shrinks as they show a non-zero, so once the live ones are found only the (few) dead ones are
 * read in each further row: a layer with a dead unit is read in full, but one element per row and dead unit.
 */
function zeroColumnFraction(data: Float32Array | Float64Array, cols: number): number {
  const pending = new Int32Array(cols)
  for (let c = 0; c < cols; c++) pending[c] = c
  let count = cols
  const rows = data.length / cols
  for (let r = 0, row = rows >> 1; r < rows && count > 0; r++, row = row + 1 === rows ? 0 : row + 1) {
    const start = row * cols
    let kept = 0
    for (let j = 0; j < count; j++) {
      const c = pending[j]!
      if (data[start + c] === 0) pending[kept++] = c
    }
    count = kept
  }
  return count / cols
}
