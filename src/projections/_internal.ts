/**
 * Helpers shared by the projections.
 * @internal
 */
import { DescentError } from '../core/errors'
import { type Interval, checkInRange } from '../core/hyperparams'
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

export { simplexThreshold } from '../core/simplexThreshold'

/** A scale (a radius or a simplex's sum) checked against its interval: a ball's radius may be 0 or Infinity. */
export const checkScale = (owner: string, scale: unknown, interval: Interval = '[0, Infinity]'): number =>
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
