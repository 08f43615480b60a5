import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * @internal ‖u‖₂ and ‖θ‖₂ of one step (StepInfo's updateNorm and paramNorm) in one pass over both trees: for float32
 * leaves of one size, the two sums of squares share a loop, so the two dependency chains of float64 adds run side by
 * side. Each sum is accumulated in the same order as {@link tree.norm} (element by element, then leaf by leaf), so the
 * results are those of `tree.norm(updates)` and `tree.norm(params)` bit for bit; other leaves go through tree.norm.
 * ```text
 * ‖u‖ = √Σ_leaves Σᵢ uᵢ²      ‖θ‖ = √Σ_leaves Σᵢ θᵢ²
 * ```
 */
export function stepNorms(updates: PyTree, params: PyTree): readonly [number, number] {
  const us = tree.leaves(updates)
  const ps = tree.leaves(params)
  if (us.length !== ps.length) return [tree.norm(updates), tree.norm(params)]
  const acc = new Float64Array(2)
  let su = 0
  let sp = 0
  for (let i = 0; i < us.length; i++) {
    const u = us[i]!
    const p = ps[i]!
    const ud = isTensor(u) ? u.data : null
    const pd = isTensor(p) ? p.data : null
    if (ud instanceof Float32Array && pd instanceof Float32Array && ud.length === pd.length) {
      sumSquaresPair32(ud, pd, acc)
      su += acc[0]!
      sp += acc[1]!
    } else {
      su += tree.norm(u, { squared: true })
      sp += tree.norm(p, { squared: true })
    }
  }
  return [Math.sqrt(su), Math.sqrt(sp)]
}

/** `acc = [Σ aᵢ², Σ bᵢ²]`, each summed from 0 in increasing i (float64). */
function sumSquaresPair32(a: Float32Array, b: Float32Array, acc: Float64Array): void {
  let sa = 0
  let sb = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    sa += x * x
    sb += y * y
  }
  acc[0] = sa
  acc[1] = sb
}
