import { ShapeError } from '../core/errors'
import { checkBoolean } from '../core/hyperparams'
import { type PRNGKey, randomPermutation } from '../core/prng'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { HyperparameterError } from '../core/errors'
import { outputF32 } from '../kernels/outputF32'

/**
 * Options of {@link batches}.
 * @category train
 * @since 0.2.0
 */
export interface BatchesOptions {
  /** Rows per batch (the leading axis); a positive integer. */
  readonly batchSize: number
  /** Shuffle the rows with this key (a fresh order per key: pass the epoch's key from `fit`). @defaultValue no shuffle */
  readonly key?: PRNGKey | undefined
  /** Drop the last batch when it has fewer than `batchSize` rows. @defaultValue false */
  readonly dropLast?: boolean | undefined
}

/**
 * Splits a dataset into minibatches along the leading axis: `data` is a pytree of tensors that all have the same
 * number of rows `n` (e.g. `{ x: [n, 784], y: [n, 10] }`), and each batch is the same pytree with `batchSize` rows
 * (the last one smaller unless `dropLast`). With a `key` the rows are visited in the order of
 * `randomPermutation(key, n)`; the same key gives the same batches. The data is never modified; every batch is a
 * fresh copy of its rows.
 * ```text
 * batch_k = data[π(k·b) … π(min((k+1)·b, n) − 1)]      π = identity, or randomPermutation(key, n)
 * ```
 * @param data - A pytree of tensors with a common leading dimension.
 * @param options - {@link BatchesOptions}.
 * @returns A re-iterable sequence of batches.
 * @example
 * import { batches, prngKey, tensor } from 'descent-ts'
 * const data = { x: tensor([[1], [2], [3], [4], [5]]), y: tensor([10, 20, 30, 40, 50]) }
 * const plain = [...batches(data, { batchSize: 2 })].map((b) => b.y.toArray())
 * assert.deepStrictEqual(plain, [[10, 20], [30, 40], [50]])
 * const shuffled = [...batches(data, { batchSize: 5, key: prngKey(1) })][0]!
 * assert.deepStrictEqual([...shuffled.y.toArray() as number[]].sort(), [10, 20, 30, 40, 50])
 * assert.deepStrictEqual((shuffled.x.toArray() as number[][]).map((r) => r[0]! * 10), shuffled.y.toArray())
 * @category train
 * @since 0.2.0
 */
export function batches<D extends PyTree>(data: D, options: BatchesOptions): Iterable<D> {
  const owner = 'batches'
  const b = options.batchSize
  if (!Number.isSafeInteger(b) || b < 1) {
    throw new HyperparameterError(`${owner} options.batchSize must be a positive integer; got ${String(b)}`)
  }
  const dropLast = checkBoolean(owner, 'options.dropLast', options.dropLast ?? false)
  const [leaves, def] = tree.flattenWithPath(data)
  let n: number | undefined
  for (const [path, leaf] of leaves) {
    if (!isTensor(leaf) || leaf.shape.length === 0) {
      throw new ShapeError(`${owner}: ${tree.keystr(path, 'data')} must be a tensor with a leading (row) axis`)
    }
    if (n === undefined) n = leaf.shape[0]!
    else if (leaf.shape[0] !== n) {
      throw new ShapeError(
        `${owner}: ${tree.keystr(path, 'data')} has ${leaf.shape[0]} rows but ${tree.keystr(leaves[0]![0], 'data')} ` +
          `has ${n}; every leaf needs the same leading dimension`,
      )
    }
  }
  const rows = n ?? 0
  const key = options.key
  const tensors = leaves.map(([, t]) => t as Tensor)
  return {
    *[Symbol.iterator]() {
      const order = key === undefined ? null : randomPermutation(key, rows)
      const end = dropLast ? rows - (rows % b) : rows
      for (let start = 0; start < end; start += b) {
        const count = Math.min(b, rows - start)
        yield tree.unflatten(
          def,
          tensors.map((t) => takeRows(t, order, start, count)),
        ) as D
      }
    },
  }
}

/**
 * Rows `order[start … start + count)` of `t` (rows `start …` without an order), copied into a fresh tensor. Wide rows
 * are copied with one `set` each; narrow ones (labels: a `set` per 4-byte row costs ~20× the copy) element by element
 * through integer views of the same bytes, so the copy is bit for bit either way (NaN payloads included).
 */
function takeRows(t: Tensor, order: ArrayLike<number> | null, start: number, count: number): Tensor {
  const rows = t.shape[0]!
  const width = rows === 0 ? 0 : t.size / rows
  const src = t.data
  // Every element is written below: a float32 output skips the zero fill.
  const out = t.dtype === 'float32' ? outputF32(count * width) : new (arrayTypeOf(t.dtype))(count * width)
  if (width >= NARROW_ROW) {
    for (let i = 0; i < count; i++) {
      const r = order === null ? start + i : order[start + i]!
      out.set(src.subarray(r * width, (r + 1) * width), i * width)
    }
  } else {
    const words = width * (src.BYTES_PER_ELEMENT / 4)
    const from = new Int32Array(src.buffer, src.byteOffset, src.length * (src.BYTES_PER_ELEMENT / 4))
    const to = new Int32Array(out.buffer)
    for (let i = 0; i < count; i++) {
      const r = order === null ? start + i : order[start + i]!
      for (let j = 0; j < words; j++) to[i * words + j] = from[r * words + j]!
    }
  }
  return fromStorage(out, [count, ...t.shape.slice(1)])
}

/** Rows narrower than this many elements are copied element by element (see takeRows). */
const NARROW_ROW = 16
