/**
 * Helpers shared by the projections.
 * @internal
 */
import { DescentError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/** Every element of every leaf, in leaf order, as float64 numbers. */
export function flatValues(t: PyTree): number[] {
  const out: number[] = []
  for (const l of tree.leaves(t)) {
    if (isTensor(l)) for (const x of l.data) out.push(x)
    else out.push(Number(l))
  }
  return out
}

/**
 * The threshold θ of the Euclidean projection onto {p ≥ 0, Σp = s}: p = max(x − θ, 0) (Held, Wolfe & Crowder 1974;
 * Duchi et al. 2008). With u sorted decreasingly, k is the largest index with u_k − (Σ_{i≤k} u_i − s)/k > 0.
 */
export function simplexThreshold(values: readonly number[], s: number): number {
  const u = [...values].sort((a, b) => b - a)
  let cumsum = 0
  let theta = 0
  for (let k = 1; k <= u.length; k++) {
    cumsum += u[k - 1]!
    const candidate = (cumsum - s) / k
    if (u[k - 1]! - candidate > 0) theta = candidate
  }
  return theta
}

/** A scale (a radius or a simplex's sum) checked against its interval: a ball's radius may be 0 or Infinity. */
export const checkScale = (owner: string, scale: unknown, interval = '[0, Infinity]'): number =>
  checkInRange(owner, 'scale', scale, interval)

/** ⟨a, a⟩, which must be positive: a zero normal vector defines no line, hyperplane or halfspace. */
export function normalSquared(owner: string, a: PyTree): number {
  const aa = tree.vdot(a, a)
  if (!(aa > 0 && Number.isFinite(aa))) {
    throw new DescentError(
      `${owner}: the tree a must be finite and nonzero (⟨a, a⟩ = ${aa}); a zero a defines no set to project on. ` +
        'Pass a tree with at least one nonzero element.',
      { code: 'nonFinite' },
    )
  }
  return aa
}
