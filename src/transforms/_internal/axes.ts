import { ShapeError } from '../../core/errors'
import { type DType, type Tensor, arrayTypeOf, fromStorage } from '../../core/tensor'
import { walkTrees } from '../../core/treeTraversal'
import type { PyTree } from '../../core/types'

// Axis reductions for the per-leaf transforms of the Adafactor / SM3 / AGC / centralize family. They are the only
// loops of those transforms: the per-element rules stay in tree.mapElementwise.

/** @internal The shape with `axes` removed. */
export const dropAxes = (shape: readonly number[], axes: readonly number[]): number[] =>
  shape.filter((_, i) => !axes.includes(i))

/** @internal For every element (row-major), the flat index of its cell in the tensor reduced over `axes`. */
function cellIndex(shape: readonly number[], axes: readonly number[]): Int32Array {
  const size = shape.reduce((a, b) => a * b, 1)
  const kept = shape.map((_, i) => !axes.includes(i))
  // Stride of each axis in the reduced layout (0 for a reduced axis).
  const strides = new Array<number>(shape.length).fill(0)
  let s = 1
  for (let i = shape.length - 1; i >= 0; i--) {
    if (kept[i]) {
      strides[i] = s
      s *= shape[i]!
    }
  }
  const out = new Int32Array(size)
  const idx = new Array<number>(shape.length).fill(0)
  let cell = 0
  for (let e = 0; e < size; e++) {
    out[e] = cell
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d]! += 1
      cell += strides[d]!
      if (idx[d]! < shape[d]!) break
      cell -= strides[d]! * shape[d]!
      idx[d] = 0
    }
  }
  return out
}

/**
 * @internal Reduces a tensor over `axes` (removed from the shape), accumulating `f(x)` in float64 with `op`
 * (`'sum'`, `'mean'` or `'max'`); the result has the tensor's dtype unless `dtype` is given.
 */
export function reduceOver(
  t: Tensor,
  axes: readonly number[],
  op: 'sum' | 'mean' | 'max',
  f: (x: number) => number = (x) => x,
  dtype: DType = t.dtype,
): Tensor {
  const shape = dropAxes(t.shape, axes)
  const cells = shape.reduce((a, b) => a * b, 1)
  const index = cellIndex(t.shape, axes)
  const acc = new Float64Array(cells).fill(op === 'max' ? -Infinity : 0)
  for (let e = 0; e < t.size; e++) {
    const c = index[e]!
    const v = f(t.data[e]!)
    acc[c] = op === 'max' ? (v > acc[c]! || Number.isNaN(v) ? v : acc[c]!) : acc[c]! + v
  }
  if (op === 'mean') {
    const n = cells === 0 ? 0 : t.size / cells
    for (let c = 0; c < cells; c++) acc[c] = acc[c]! / n
  }
  return fromStorage(arrayTypeOf(dtype).from(acc), shape)
}

/** @internal Expands a tensor reduced over `axes` back to `shape`, repeating each cell along the reduced axes. */
export function broadcastOver(reduced: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  const expected = dropAxes(shape, axes)
  if (expected.length !== reduced.shape.length || expected.some((d, i) => d !== reduced.shape[i])) {
    throw new ShapeError(
      `internal: cannot broadcast shape [${reduced.shape.join(',')}] over axes [${axes.join(',')}] of [${shape.join(',')}]`,
    )
  }
  const index = cellIndex(shape, axes)
  const out = new (arrayTypeOf(reduced.dtype))(index.length)
  for (let e = 0; e < index.length; e++) out[e] = reduced.data[index[e]!]!
  return fromStorage(out, shape)
}

/** @internal The axes other than `axis` of a rank-`rank` tensor. */
export const otherAxes = (axis: number, rank: number): number[] =>
  Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis)

/**
 * @internal Maps `f` over the leaves of `first`; each other tree must have `first`'s structure down to those leaves
 * and may hold any subtree where `first` has a leaf (optax's "prefix" tree.map, used for per-leaf lists of
 * accumulators). `null` subtrees of `first` stay `null`. `f` returns any subtree; it receives the leaf's path last
 * (a copy). Iterative and cycle-safe (the core traversal); a structure mismatch names the path.
 */
export function mapLeafPrefix(
  f: (leaf: Tensor | number, ...subtreesThenPath: unknown[]) => unknown,
  names: readonly string[],
  first: PyTree,
  ...others: readonly unknown[]
): unknown {
  return walkTrees(
    (path, ls) => f(...(ls as [Tensor | number, ...unknown[]]), path.slice()),
    [first, ...others],
    names,
    {
      build: true,
      booleans: false,
      prefix: true,
    },
  )
}
