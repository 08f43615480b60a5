import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { sumSquaresF32 } from '../kernels/sumSquaresFast'

/**
 * @internal Σx² of one leaf, the bits of `tree.norm(leaf, { squared: true })`: a float32 tensor's through the SIMD
 * sum of squares (the same eight float64 lanes as tree.norm's TS loop), anything else through tree.norm. It lives in
 * the train layer, not in tree.norm, so that `import('descent-ts')` does not load the wasm kernels (issue 12).
 */
export const leafSquares = (leaf: unknown): number =>
  isTensor(leaf) && leaf.data instanceof Float32Array
    ? sumSquaresF32(leaf.data)
    : tree.norm(leaf as PyTree, { squared: true })

/** @internal ‖x‖₂ of a tree, the bits of {@link tree.norm}: Σ of {@link leafSquares} in tree order, then √. */
export function treeNorm(x: PyTree): number {
  let s = 0
  for (const leaf of tree.leaves(x)) s += leafSquares(leaf)
  return Math.sqrt(s)
}

/**
 * @internal ‖u‖₂ and ‖θ‖₂ of one step (StepInfo's updateNorm and paramNorm), for the steps whose kernel does not sum
 * them in its own pass: {@link treeNorm} of each tree, whose float32 leaves go through the blocked sum of squares
 * (eight independent float64 partial sums), the same bits as tree.norm and as the fused Adam pass.
 * ```text
 * ‖u‖ = √Σ_leaves Σᵢ uᵢ²      ‖θ‖ = √Σ_leaves Σᵢ θᵢ²
 * ```
 */
export function stepNorms(updates: PyTree, params: PyTree): readonly [number, number] {
  return [treeNorm(updates), treeNorm(params)]
}
