import { dot, map1, map2, map3, mapN, maxOf, sumOf } from '../kernels/cpu'
import type { TypedArray } from '../kernels/backend'
import { ShapeError, StructureError } from './errors'
import { type DType, type Tensor, arrayTypeOf, fromStorage, isTensor } from './tensor'
import { type KeyPath, booleanLeafError, keystr } from './treeTraversal'
import type { Leaf } from './types'

const shapeStr = (t: Tensor): string => `[${t.shape.join(',')}]`

/** A number and a tensor at the same path: `first` and `other` say what each is. */
function mixedLeaves(first: string, other: string): never {
  throw new StructureError(`${first} but ${other}. Use tensors (or numbers) on both sides.`)
}

/** @internal True when two tensors have the same shape. */
export const sameShape = (a: Tensor, b: Tensor): boolean =>
  a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])

/** @internal The dtype of a result: float64 if any input is float64 (NumPy promotion). */
export const promote = (ts: readonly Tensor[]): DType => (ts.some((t) => t.dtype === 'float64') ? 'float64' : 'float32')

/**
 * @internal Checks that the leaves found at one path can be combined element by element: all numbers, or all
 * tensors of one shape. Anything else is an error naming the path in every tree.
 */
export function checkLeaves(leaves: readonly unknown[], path: KeyPath, names: readonly string[]): 'number' | 'tensor' {
  const first = leaves[0]
  for (let i = 0; i < leaves.length; i++) {
    const x = leaves[i]
    if (typeof x === 'boolean') throw booleanLeafError(path, names[i])
  }
  if (typeof first === 'number') {
    const j = leaves.findIndex((x) => typeof x !== 'number')
    if (j >= 0) {
      mixedLeaves(
        `${keystr(path, names[0])} is a number`,
        `${keystr(path, names[j])} is a Tensor of shape ${shapeStr(leaves[j] as Tensor)}`,
      )
    }
    return 'number'
  }
  const t0 = first as Tensor
  for (let i = 1; i < leaves.length; i++) {
    const x = leaves[i]
    if (!isTensor(x)) {
      mixedLeaves(
        `${keystr(path, names[0])} is a Tensor of shape ${shapeStr(t0)}`,
        `${keystr(path, names[i])} is a number`,
      )
    }
    if (!sameShape(t0, x)) {
      throw new ShapeError(
        `${keystr(path, names[0])}: shape ${shapeStr(t0)} vs ${names[i]} ${shapeStr(x)}. Leaves at the same path must have the same shape; ` +
          `check that ${names[i]} was computed from the same params.`,
      )
    }
  }
  return 'tensor'
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
 * @internal `ca·x` (one leaf), `ca·x + cb·y` or, with `square`, `ca·x² + cb·y` (two leaves), element by element
 * without a per-element closure call. With `ca = cb = 1` it is x + y bit for bit (1·x is exact), with `cb = −1`
 * x − y. Leaves as accepted by {@link checkLeaves}; the result dtype is promoted as in {@link zipLeaves}.
 */
export function affineLeaves(
  ca: number,
  cb: number,
  square: boolean,
  leaves: readonly unknown[],
  path: KeyPath,
  names: readonly string[],
): Leaf {
  if (checkLeaves(leaves, path, names) === 'number') {
    const x = leaves[0] as number
    if (leaves.length === 1) return ca * x
    return ca * (square ? x * x : x) + cb * (leaves[1] as number)
  }
  const ts = leaves as readonly Tensor[]
  const t0 = ts[0]!
  const out = new (arrayTypeOf(promote(ts)))(t0.data.length)
  if (ts.length === 1) lin1(ca, t0.data, out)
  else if (square) sq2(ca, cb, t0.data, ts[1]!.data, out)
  else lin2(ca, cb, t0.data, ts[1]!.data, out)
  return fromStorage(out, t0.shape)
}

/** @internal Σ x·y over the two leaves found at one path (checked by {@link checkLeaves}), accumulated in float64. */
export function dotLeaves(leaves: readonly unknown[], path: KeyPath, names: readonly string[]): number {
  if (checkLeaves(leaves, path, names) === 'number') return (leaves[0] as number) * (leaves[1] as number)
  const a = (leaves[0] as Tensor).data
  const b = (leaves[1] as Tensor).data
  // ‖x‖² (tree.norm, trainStep's three norms a step) through a loop that sees one element kind: the generic dot, fed
  // float32 and float64 arrays alike, runs ~3× slower on float32.
  return a === b && a instanceof Float32Array ? sumSquares32(a) : dot(a, b)
}

/**
 * @internal Σ xᵢ² of a float32 array in float64, in eight interleaved partial sums (sₖ over i ≡ k mod 8, combined
 * as ((s₀+s₁)+(s₂+s₃))+((s₄+s₅)+(s₆+s₇)), then the last n mod 8 squares added in order). One running sum is bound by
 * the latency of a float64 add (≈ 4 cycles an element); eight independent ones run ~2× faster (0.11 against 0.20 ms
 * for 2·10⁵ elements). Each xᵢ² of a float32 is exact in float64, so this differs from the sum in index order only
 * by float64 rounding (relative error ≤ n·2⁻⁵³, 2·10⁻¹¹ at n = 2·10⁵), and is the exact sum whenever no partial sum
 * rounds (integers, n < 8: the same bits). Infinity and NaN propagate as in any order.
 * ```text
 * Σᵢ xᵢ² = Σₖ₌₀⁷ Σ_{j} x²_{8j+k} + Σ_{i ≥ 8⌊n/8⌋} xᵢ²
 * ```
 */
export function sumSquares32(a: Float32Array): number {
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let s4 = 0
  let s5 = 0
  let s6 = 0
  let s7 = 0
  const n = a.length
  const n8 = n - (n % 8)
  let i = 0
  // Loads into consts first: V8 emits its fastest loop for this form (a[i]*a[i] inline measured 1.8× slower).
  for (; i < n8; i += 8) {
    const x0 = a[i]!
    const x1 = a[i + 1]!
    const x2 = a[i + 2]!
    const x3 = a[i + 3]!
    const x4 = a[i + 4]!
    const x5 = a[i + 5]!
    const x6 = a[i + 6]!
    const x7 = a[i + 7]!
    s0 += x0 * x0
    s1 += x1 * x1
    s2 += x2 * x2
    s3 += x3 * x3
    s4 += x4 * x4
    s5 += x5 * x5
    s6 += x6 * x6
    s7 += x7 * x7
  }
  let s = s0 + s1 + (s2 + s3) + (s4 + s5 + (s6 + s7))
  for (; i < n; i++) {
    const x = a[i]!
    s += x * x
  }
  return s
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
