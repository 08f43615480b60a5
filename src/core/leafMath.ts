import { dot, map1, map2, map3, mapN, maxOf, sumOf } from '../kernels/cpu'
import { sumSquares32 } from '../kernels/sumSquares'
import type { TypedArray } from '../kernels/backend'
import { ShapeError, StructureError } from './errors'
import { type DType, type Tensor, arrayTypeOf, fromStorage } from './tensor'
import { type KeyPath, booleanLeafError, describe, keystr, mapTrees } from './treeTraversal'
import type { Leaf } from './types'

/** @internal True when two tensors have the same shape. */
export function sameShape(a: Tensor, b: Tensor): boolean {
  const p = a.shape
  const q = b.shape
  if (p === q) return true
  if (p.length !== q.length) return false
  for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return false
  return true
}

/** @internal The dtype of a result: float64 if any input is float64 (NumPy promotion). */
export const promote = (ts: readonly Tensor[]): DType => (ts.some((t) => t.dtype === 'float64') ? 'float64' : 'float32')

/**
 * @internal Checks that the leaves found at one path can be combined element by element: all numbers, or all
 * tensors of one shape. Anything else is an error naming the path in every tree.
 */
export function checkLeaves(leaves: readonly unknown[], path: KeyPath, names: readonly string[]): 'number' | 'tensor' {
  const first = leaves[0]
  const number = typeof first === 'number'
  for (let i = 0; i < leaves.length; i++) {
    const x = leaves[i]
    if (typeof x === 'boolean') throw booleanLeafError(path, names[i])
    if (i === 0) continue
    if ((typeof x === 'number') !== number) {
      throw new StructureError(
        `${keystr(path, names[0])} is ${describe(first)} but ${keystr(path, names[i])} is ${describe(x)}. ` +
          'Use tensors (or numbers) on both sides.',
      )
    }
    if (!number && !sameShape(first as Tensor, x as Tensor)) {
      throw new ShapeError(
        `${keystr(path, names[0])}: shape [${(first as Tensor).shape}] vs ${names[i]} [${(x as Tensor).shape}]. ` +
          `Compute ${names[i]} from the same params.`,
      )
    }
  }
  return number ? 'number' : 'tensor'
}

/** @internal Applies a scalar function element by element to leaves that {@link checkLeaves} accepted. */
export function zipLeaves(
  f: (...xs: number[]) => number,
  leaves: readonly unknown[],
  path: KeyPath,
  names: readonly string[],
  dtype?: DType,
): Leaf {
  if (checkLeaves(leaves, path, names) === 'number') return f(...(leaves as number[]))
  const ts = leaves as readonly Tensor[]
  const Out = arrayTypeOf(dtype ?? promote(ts))
  const t0 = ts[0]!
  let data: TypedArray
  switch (ts.length) {
    case 1:
      data = map1(f, t0.data, Out)
      break
    case 2:
      data = map2(f, t0.data, ts[1]!.data, Out)
      break
    case 3:
      data = map3(f, t0.data, ts[1]!.data, ts[2]!.data, Out)
      break
    default:
      data = mapN(
        f,
        ts.map((t) => t.data),
        Out,
      )
  }
  return fromStorage(data, t0.shape)
}

// Closure-free loops for the hot tree operations (add, sub, scale, addScale, updateMoment): float64 arithmetic,
// rounded to the output's dtype on store, exactly as the per-element closures of zipLeaves compute them.
function lin1(ca: number, x: TypedArray, out: TypedArray): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = ca * x[i]!
}
function lin2(ca: number, cb: number, x: TypedArray, y: TypedArray, out: TypedArray): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = ca * x[i]! + cb * y[i]!
}
function sq2(ca: number, cb: number, x: TypedArray, y: TypedArray, out: TypedArray): void {
  const n = out.length
  for (let i = 0; i < n; i++) {
    const g = x[i]!
    out[i] = ca * (g * g) + cb * y[i]!
  }
}

/**
 * @internal `ca·x` (one leaf) or `ca·x + cb·y` (two leaves), element by element
 * without a per-element closure call. With `ca = cb = 1` it is x + y bit for bit (1·x is exact), with `cb = −1`
 * x − y. Leaves as accepted by {@link checkLeaves}; the result dtype is promoted as in {@link zipLeaves}.
 */
export function affineLeaves(
  ca: number,
  cb: number,
  leaves: readonly unknown[],
  path: KeyPath,
  names: readonly string[],
): Leaf {
  if (checkLeaves(leaves, path, names) === 'number') {
    const x = leaves[0] as number
    return leaves.length === 1 ? ca * x : ca * x + cb * (leaves[1] as number)
  }
  const ts = leaves as readonly Tensor[]
  const t0 = ts[0]!
  const out = new (arrayTypeOf(promote(ts)))(t0.data.length)
  if (ts.length === 1) lin1(ca, t0.data, out)
  else lin2(ca, cb, t0.data, ts[1]!.data, out)
  return fromStorage(out, t0.shape)
}

/** @internal `ca·x² + cb·y` over two leaves (an order-2 moment), as {@link affineLeaves} computes `ca·x + cb·y`. */
export function squaredAffineLeaves(
  ca: number,
  cb: number,
  leaves: readonly unknown[],
  path: KeyPath,
  names: readonly string[],
): Leaf {
  const [x, y] = leaves as [Tensor | number, Tensor | number]
  if (checkLeaves(leaves, path, names) === 'number') return ca * ((x as number) * (x as number)) + cb * (y as number)
  const out = new (arrayTypeOf(promote(leaves as Tensor[])))((x as Tensor).data.length)
  sq2(ca, cb, (x as Tensor).data, (y as Tensor).data, out)
  return fromStorage(out, (x as Tensor).shape)
}

/**
 * @internal `ca·x` over one tree or `ca·x + cb·y` over two of one structure (`names` in messages), leaf by leaf
 * through {@link affineLeaves}' closure-free loops.
 */
export const affineTrees = <T>(ca: number, cb: number, trees: readonly T[], names: readonly string[]): T =>
  mapTrees((p, ls) => affineLeaves(ca, cb, ls, p, names), trees, names) as T

/** @internal Σ x·y over the two leaves found at one path (checked by {@link checkLeaves}), accumulated in float64. */
export function dotLeaves(leaves: readonly unknown[], path: KeyPath, names: readonly string[]): number {
  if (checkLeaves(leaves, path, names) === 'number') return (leaves[0] as number) * (leaves[1] as number)
  const a = (leaves[0] as Tensor).data
  const b = (leaves[1] as Tensor).data
  // ‖x‖² (tree.norm, trainStep's three norms a step) through a loop that sees one element kind: the generic dot, fed
  // float32 and float64 arrays alike, runs ~3× slower on float32.
  return a === b && a instanceof Float32Array ? sumSquares32(a) : dot(a, b)
}

/** @internal Σ f(x) over a numeric leaf, accumulated in float64. */
export function sumLeaf(f: (x: number) => number, leaf: unknown, path: KeyPath, name: string): number {
  checkLeaves([leaf], path, [name])
  return typeof leaf === 'number' ? f(leaf) : sumOf(f, (leaf as Tensor).data)
}

/** @internal max f(x) over a numeric leaf (−Infinity for an empty tensor, NaN if any value is NaN). */
export function maxLeaf(f: (x: number) => number, leaf: unknown, path: KeyPath, name: string): number {
  checkLeaves([leaf], path, [name])
  return typeof leaf === 'number' ? f(leaf) : maxOf(f, (leaf as Tensor).data)
}
