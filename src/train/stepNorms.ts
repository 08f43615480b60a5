import { sumSquares32 } from '../kernels/sumSquares'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * @internal ‖u‖₂ and ‖θ‖₂ of one step (StepInfo's updateNorm and paramNorm). Float32 leaves go straight to the
 * blocked sum of squares that tree.norm uses (eight independent float64 partial sums: {@link sumSquares32}), other
 * leaves through tree.norm; each sum is accumulated leaf by leaf in tree order, as {@link tree.norm} does, so the
 * results are those of `tree.norm(updates)` and `tree.norm(params)` bit for bit.
 * ```text
 * ‖u‖ = √Σ_leaves Σᵢ uᵢ²      ‖θ‖ = √Σ_leaves Σᵢ θᵢ²
 * ```
 */
export function stepNorms(updates: PyTree, params: PyTree): readonly [number, number] {
  return [Math.sqrt(sumOfSquares(updates)), Math.sqrt(sumOfSquares(params))]
}

function sumOfSquares(t: PyTree): number {
  let s = 0
  for (const leaf of tree.leaves(t)) {
    const d = isTensor(leaf) ? leaf.data : null
    s += d instanceof Float32Array ? sumSquares32(d) : tree.norm(leaf, { squared: true })
  }
  return s
}
