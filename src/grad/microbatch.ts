import { ShapeError } from '../core/errors'
import { checkInteger } from '../core/hyperparams'
import { type Tensor, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { Leaf, PyTree } from '../core/types'
import { concat, reshape, take } from './ops/shape'
import { combineOutputs, fold, perExample } from './_internal/accumulate'
import type { Accumulator } from './accumulator'

/**
 * How {@link microbatch} combines the outputs of the microbatches (optax.microbatching.AccumulationType, camelCased):
 * `'sum'`, `'mean'`, `'runningMean'` (the mean, accumulated as a running average), or `'concat'` (the per-example
 * outputs put back in the original batch order).
 * @category grad
 * @since 0.2.0
 */
export type AccumulationType = 'sum' | 'mean' | 'runningMean' | 'concat'

/** Indices of microbatch a of a batch of n split into k = n/m microbatches: a, a + k, a + 2k, … (optax's F order). */
const rowsOf = (a: number, k: number, m: number): number[] => Array.from({ length: m }, (_, b) => a + b * k)

/**
 * Splits the batch axis of every leaf into [n/m, m] the way optax does (Fortran order): microbatch a holds the examples
 * a, a + n/m, a + 2n/m, … (optax.microbatching.reshape_batch_axis).
 * ```text
 * out[…, a, b, …] = x[…, a + b·(n/m), …]
 * ```
 * @returns the tree with each leaf's `axis` replaced by [n/m, m].
 * @throws ShapeError when the batch size is not a multiple of `microbatchSize`.
 * @example
 * import { reshapeBatchAxis, tensor } from 'descent-ts'
 * assert.deepStrictEqual(reshapeBatchAxis(tensor([0, 1, 2, 3, 4, 5]), 2).toArray(), [[0, 3], [1, 4], [2, 5]])
 * @see microbatch
 * @category grad
 * @since 0.2.0
 */
export function reshapeBatchAxis<T extends PyTree>(t: T, microbatchSize: number, axis = 0): T {
  const m = checkInteger('reshapeBatchAxis', 'microbatchSize', microbatchSize, '[1, Infinity)')
  return tree.map((l) => {
    const x = l as Tensor
    const ax = axis < 0 ? axis + x.shape.length : axis
    const n = x.shape[ax]!
    if (n % m !== 0) {
      throw new ShapeError(`reshapeBatchAxis: batch size ${n} is not a multiple of microbatchSize ${m}.`)
    }
    const k = n / m
    const order = Array.from({ length: k }, (_, a) => rowsOf(a, k, m)).flat()
    const shape = [...x.shape.slice(0, ax), k, m, ...x.shape.slice(ax + 1)]
    return reshape(take(x, order, ax), shape)
  }, t)
}

/**
 * Options of {@link microbatch}.
 * @category grad
 * @since 0.2.0
 */
export interface MicrobatchOptions {
  /** The batch axis of each batched argument. @defaultValue 0 */
  readonly inAxes?: number
}

/**
 * Runs `fun` on microbatches of its batched arguments and combines the results (optax.microbatching.microbatch):
 * the memory of one microbatch, the result of the whole batch (for `'sum'`/`'mean'` of a function that sums or
 * averages over examples, e.g. a gradient). The examples are split as {@link reshapeBatchAxis}. `accumulator` is one
 * {@link AccumulationType} for every output leaf, an {@link Accumulator} for a whole output subtree, or a tree of them
 * that is a prefix of the output's structure.
 * ```text
 * sum:  Σₐ f(x⁽ᵃ⁾)      mean: (1/k)·Σₐ f(x⁽ᵃ⁾)      runningMean: r ← r·a/(a+1) + f(x⁽ᵃ⁾)/(a+1)      concat: ⧺ₐ f(x⁽ᵃ⁾)
 * ```
 * @returns the microbatched function, with `fun`'s signature.
 * @throws ShapeError when a batch size is not a multiple of `microbatchSize`.
 * @example
 * import { microbatch, ops, tensor } from 'descent-ts'
 * const total = microbatch((x: ReturnType<typeof tensor>) => ops.sum(x), 0, 2, 'sum')
 * assert.strictEqual(total(tensor([1, 2, 3, 4, 5, 6])).item(), 21)
 * const double = microbatch((x: ReturnType<typeof tensor>) => ops.mul(x, 2), 0, 2, 'concat')
 * assert.deepStrictEqual(double(tensor([1, 2, 3, 4])).toArray(), [2, 4, 6, 8])
 * @see reshapeBatchAxis
 * @category grad
 * @since 0.2.0
 */
export function microbatch<A extends unknown[], R extends PyTree>(
  fun: (...args: A) => R,
  argnums: number | readonly number[],
  microbatchSize: number | undefined,
  accumulator: AccumulationType | Accumulator | PyTree | { readonly [key: string]: unknown } = 'sum',
  options: MicrobatchOptions = {},
): (...args: A) => R {
  if (microbatchSize === undefined) return fun
  const owner = 'microbatch'
  const m = checkInteger(owner, 'microbatchSize', microbatchSize, '[1, Infinity)')
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums]
  const inAxis = options.inAxes ?? 0
  return (...args) => {
    const batched = nums.map((i) => args[i] as PyTree)
    const first = tree.leaves(batched).find(isTensor)
    if (first === undefined) throw new ShapeError(`${owner}: the batched arguments hold no tensor.`)
    const n = first.shape[inAxis < 0 ? inAxis + first.shape.length : inAxis]!
    if (n % m !== 0) throw new ShapeError(`${owner}: batch size ${n} is not a multiple of microbatchSize ${m}.`)
    const k = n / m
    const outputs: R[] = []
    for (let a = 0; a < k; a++) {
      const rows = rowsOf(a, k, m)
      const call = [...args] as A
      for (const i of nums) {
        call[i] = tree.map((l) => {
          const x = l as Tensor
          return take(x, rows, inAxis < 0 ? inAxis + x.shape.length : inAxis)
        }, args[i] as PyTree) as A[number]
      }
      outputs.push(fun(...call))
    }
    if (outputs.length === 0) return fun(...args)
    // concat: microbatch a holds rows a, a + k, …; the joined rows go back to batch order.
    const order = Array.from({ length: k * m }, (_, e) => (e % k) * m + Math.floor(e / k))
    const builtin = (type: AccumulationType, ls: Leaf[]): Leaf =>
      type === 'concat' ? take(concat(ls as Tensor[], 0), order, 0) : perExample(type, ls)
    return combineOutputs(owner, accumulator, outputs, builtin, fold) as R
  }
}
