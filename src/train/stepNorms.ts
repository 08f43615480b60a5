import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * @internal ‖u‖₂ and ‖θ‖₂ of one step (StepInfo's updateNorm and paramNorm), for the steps whose kernel does not sum
 * them in its own pass: {@link tree.norm} of each tree, whose float32 leaves go through the blocked sum of squares
 * (eight independent float64 partial sums), the same bits as the fused Adam pass.
 * ```text
 * ‖u‖ = √Σ_leaves Σᵢ uᵢ²      ‖θ‖ = √Σ_leaves Σᵢ θᵢ²
 * ```
 */
export function stepNorms(updates: PyTree, params: PyTree): readonly [number, number] {
  return [tree.norm(updates), tree.norm(params)]
}
