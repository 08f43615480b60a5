import { DescentError } from '../core/errors'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

// Marks a TrainState whose buffers a donating step now owns (as JAX marks a donated array deleted). The mark lives on
// the state object itself: no registry, nothing outside the value.
const DONATED = Symbol('descent.donated')

/** @internal Throws when `state` was donated to an earlier step. */
export function checkNotDonated(state: object, owner: string): void {
  if ((state as { [DONATED]?: true })[DONATED] === true) {
    throw new DescentError(
      `${owner}({ donate: true }): this TrainState was donated to an earlier step, which reused its buffers; they now ` +
        'hold newer values. Pass the state returned by the last step (or step without donate to keep old states).',
    )
  }
}

/** @internal Marks `state` as donated (a frozen state cannot be marked and is simply not tracked). */
export function markDonated(state: object): void {
  if (Object.isExtensible(state)) Object.defineProperty(state, DONATED, { value: true, enumerable: false })
}

/** @internal The storage of every tensor leaf of `trees`, with how many leaves share it. */
export function bufferCounts(trees: readonly PyTree[]): Map<ArrayBufferLike, number> {
  const counts = new Map<ArrayBufferLike, number>()
  for (const t of trees) {
    for (const x of tree.leaves(t)) {
      if (isTensor(x)) counts.set(x.data.buffer, (counts.get(x.data.buffer) ?? 0) + 1)
    }
  }
  return counts
}

/**
 * @internal The params buffers a donating step may write in place: each held by exactly one params leaf and by
 * nothing else it can see (the updates, the new optimizer state: an optimizer that keeps the params, as L-BFGS does,
 * must find them unchanged).
 */
export function writableParams(params: PyTree, others: readonly PyTree[]): Set<ArrayBufferLike> {
  const own = bufferCounts([params])
  const elsewhere = bufferCounts(others)
  const out = new Set<ArrayBufferLike>()
  for (const [b, c] of own) if (c === 1 && !elsewhere.has(b)) out.add(b)
  return out
}
