import { ShapeError } from '../../core/errors'
import * as tree from '../../core/tree'
import type { Leaf, PyTree } from '../../core/types'
import type { Accumulator } from '../accumulator'
import type { AccumulationType } from '../microbatch'
import { add, div, mul } from '../ops/arithmetic'
import { stack } from '../ops/shape'

const TYPES: readonly AccumulationType[] = ['sum', 'mean', 'runningMean', 'concat']

/** True for an object with `init`, `update`, `finalize` and `aggregate` functions (an {@link Accumulator}). */
export const isAccumulator = (x: unknown): x is Accumulator =>
  typeof x === 'object' &&
  x !== null &&
  ['init', 'update', 'finalize', 'aggregate'].every((k) => typeof (x as Record<string, unknown>)[k] === 'function')

const isType = (x: unknown): x is AccumulationType => typeof x === 'string' && TYPES.includes(x as AccumulationType)

const missing = (owner: string, path: tree.KeyPath) =>
  new ShapeError(
    `${owner}: no accumulation type for output ${tree.keystr(path, 'output')}; give one of ${TYPES.join(', ')} or ` +
      'an Accumulator (or a tree of them that is a prefix of the output).',
  )

/**
 * Walks the accumulator tree (a prefix of the outputs' structure) and combines the outputs under each of its leaves:
 * `builtin(type, leaves, path)` leaf by leaf under an {@link AccumulationType}, `custom(acc, subtrees)` for the whole
 * output subtree under an {@link Accumulator}.
 */
export function combineOutputs(
  owner: string,
  accumulator: unknown,
  outputs: readonly PyTree[],
  builtin: (type: AccumulationType, leaves: Leaf[], path: tree.KeyPath) => Leaf,
  custom: (acc: Accumulator, subtrees: readonly PyTree[]) => PyTree,
): PyTree {
  const walk = (node: unknown, subtrees: readonly PyTree[], path: tree.KeyPath): PyTree => {
    if (isType(node)) {
      const first = subtrees[0]!
      if (tree.leaves(first).length === 0) return first
      return tree.mapWithPath((p, ...ls: Leaf[]) => builtin(node, ls, [...path, ...p]), first, ...subtrees.slice(1))
    }
    if (isAccumulator(node)) return custom(node, subtrees)
    const first = subtrees[0]
    if (
      node === null ||
      typeof node !== 'object' ||
      first === null ||
      typeof first !== 'object' ||
      tree.isLeaf(first)
    ) {
      throw missing(owner, path)
    }
    const keys = Array.isArray(first) ? first.map((_, i) => i) : Object.keys(first)
    const children = keys.map((k) =>
      walk(
        (node as Record<string | number, unknown>)[k],
        subtrees.map((s) => (s as Record<string | number, PyTree>)[k]!),
        [...path, k],
      ),
    )
    return Array.isArray(first) ? children : Object.fromEntries(keys.map((k, i) => [k, children[i]!]))
  }
  return walk(accumulator, outputs, [])
}

/** The built-in accumulations of per-example outputs: concat stacks on a new axis 0, the others reduce over it. */
export function perExample(type: AccumulationType, ls: Leaf[]): Leaf {
  if (type === 'concat') return stack(ls)
  if (type === 'runningMean') return ls.reduce((r: Leaf, x, a) => add(mul(r, a / (a + 1)), div(x, a + 1)))
  const total = ls.slice(1).reduce((s: Leaf, x) => add(s, x), ls[0]!)
  return type === 'mean' ? div(total, ls.length) : total
}

/**
 * Combines per-example outputs (in batch order) as optax's micro_vmap does with microbatches of size m: a built-in type
 * directly over the examples (the same result), an {@link Accumulator} by `aggregate` of each microbatch's stacked
 * outputs (microbatch a holds examples a, a + k, …, k = n/m, optax's split), then `init`/`update`/`finalize` across the
 * microbatches.
 */
export function accumulate(
  owner: string,
  outputs: readonly PyTree[],
  accumulator: unknown,
  m = outputs.length,
): PyTree {
  const n = outputs.length
  const k = n / m
  return combineOutputs(owner, accumulator, outputs, perExample, (acc, subtrees) => {
    const aggregated = Array.from({ length: k }, (_, a) => {
      const group = Array.from({ length: m }, (_, b) => subtrees[a + b * k]!)
      return acc.aggregate(combineOutputs(owner, 'concat', group, perExample, () => null))
    })
    return fold(acc, aggregated)
  })
}

/** A custom {@link Accumulator} over results in order: init(x₀), update(c, xₐ, a) for each a, finalize(c). */
export function fold(acc: Accumulator, xs: readonly PyTree[]): PyTree {
  let carry = acc.init(xs[0]!)
  xs.forEach((x, a) => (carry = acc.update(carry, x, a)))
  return acc.finalize(carry)
}
