import { ShapeError } from '../../core/errors'
import * as tree from '../../core/tree'
import type { Leaf, PyTree } from '../../core/types'
import { add, div, mul } from '../ops/arithmetic'
import { stack } from '../ops/shape'
import type { AccumulationType } from '../microbatch'

const TYPES: readonly AccumulationType[] = ['sum', 'mean', 'runningMean', 'concat']

/** The accumulation type of the output leaf at `path`: `accumulator` itself, or its entry along a prefix of `path`. */
export function accumulationAt(owner: string, accumulator: unknown, path: tree.KeyPath): AccumulationType {
  let node = accumulator
  for (const key of path) {
    if (typeof node === 'string') break
    if (node !== null && typeof node === 'object') node = (node as Record<string | number, unknown>)[key]
  }
  if (typeof node === 'string' && TYPES.includes(node as AccumulationType)) return node as AccumulationType
  throw new ShapeError(
    `${owner}: no accumulation type for output ${tree.keystr(path, 'output')}; give one of ${TYPES.join(', ')} ` +
      '(or a tree of them that is a prefix of the output).',
  )
}

/**
 * Combines per-example outputs (all with one structure) leaf by leaf: 'concat' stacks them on a new axis 0, 'sum'
 * adds them, 'mean' and 'runningMean' average them (the running form as optax: r ← r·a/(a+1) + x/(a+1)).
 */
export function accumulate(owner: string, outputs: readonly PyTree[], accumulator: unknown): PyTree {
  const first = outputs[0]!
  if (tree.leaves(first).length === 0) return first
  return tree.mapWithPath(
    (path, ...ls: Leaf[]) => {
      const type = accumulationAt(owner, accumulator, path)
      if (type === 'concat') return stack(ls)
      if (type === 'runningMean') return ls.reduce((r: Leaf, x, a) => add(mul(r, a / (a + 1)), div(x, a + 1)))
      const total = ls.slice(1).reduce((s: Leaf, x) => add(s, x), ls[0]!)
      return type === 'mean' ? div(total, ls.length) : total
    },
    first,
    ...outputs.slice(1),
  )
}
