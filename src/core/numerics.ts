import { HyperparameterError } from './errors'
import { sumLeaf } from './leafMath'
import { svd } from './svd'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from './tensor'
import type { Leaf } from './types'

/**
 * Options of {@link safeNorm}: optax's `ord`, `axis` and `keepdims` (those of `jnp.linalg.norm`).
 * @category numerics
 * @since 0.1.0
 */
export interface SafeNormOptions {
  /**
   * The order: a vector norm (Σ|x|ᵖ)^(1/p) for a number p, max |x| for Infinity, min |x| for −Infinity, the count of
   * non-zeros for 0. A matrix (a rank-2 leaf without `axis`, or each matrix over a pair of axes) takes a matrix norm,
   * as jnp.linalg.norm: `'fro'` (the default), `'nuc'` (nuclear: Σσ), 2 / −2 (spectral: the largest / smallest
   * singular value, from a float64 SVD), 1 / −1 (max / min column sum of |x|), Infinity / −Infinity (max / min row
   * sum).
   * @defaultValue 2 (Frobenius for a matrix)
   */
  readonly ord?: number | 'fro' | 'nuc' | undefined
  /**
   * The axis of the vector norms (one per slice along it), or a pair of axes holding matrices (one matrix norm per
   * matrix, rows along the first); undefined: the whole leaf. @defaultValue undefined
   */
  readonly axis?: number | readonly [number, number] | undefined
  /** Keep the reduced axis with size 1. @defaultValue false */
  readonly keepdims?: boolean
}

/** A vector order: 'fro' is 2 (jnp allows it on vectors only as the default); 'nuc' needs a matrix. */
function vectorOrd(ord: number | 'fro' | 'nuc'): number {
  if (ord === 'nuc') {
    throw new HyperparameterError(
      "safeNorm options.ord 'nuc' is a matrix norm: pass a rank-2 leaf, or options.axis as a pair of axes",
    )
  }
  return ord === 'fro' ? 2 : ord
}

const vectorNorm = (v: readonly number[], ord: number): number => {
  if (ord === Infinity) return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
  if (ord === -Infinity) return v.reduce((m, x) => Math.min(m, Math.abs(x)), Infinity)
  if (ord === 0) return v.filter((x) => x !== 0).length
  if (ord === 2) return Math.sqrt(v.reduce((a, x) => a + x * x, 0))
  return v.reduce((a, x) => a + Math.abs(x) ** ord, 0) ** (1 / ord)
}

/** The matrix norm of order `ord` of a rows×cols row-major matrix (jnp.linalg.norm's matrix orders). */
function matrixNorm(data: ArrayLike<number>, rows: number, cols: number, ord: number | 'fro' | 'nuc'): number {
  const at = (i: number, j: number) => Math.abs(data[i * cols + j]!)
  if (ord === 'fro') return Math.sqrt(Array.from(data).reduce((a, x) => a + x * x, 0))
  if (ord === 'nuc' || ord === 2 || ord === -2) {
    if (rows === 0 || cols === 0) return 0
    const s = svd({ rows, cols, data: Float64Array.from(data) }).s // descending
    return ord === 'nuc' ? s.reduce((a, x) => a + x, 0) : ord === 2 ? s[0]! : s[s.length - 1]!
  }
  const colSums = Array.from({ length: cols }, (_, j) =>
    Array.from({ length: rows }, (_, i) => at(i, j)).reduce((a, b) => a + b, 0),
  )
  const rowSums = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => at(i, j)).reduce((a, b) => a + b, 0),
  )
  if (ord === 1) return Math.max(...colSums)
  if (ord === -1) return Math.min(...colSums)
  if (ord === Infinity) return Math.max(...rowSums)
  if (ord === -Infinity) return Math.min(...rowSums)
  throw new HyperparameterError(
    `safeNorm options.ord ${String(ord)} on a matrix: use 'fro', 'nuc', 2, -2, 1, -1, Infinity or -Infinity`,
  )
}

/** A non-negative axis of a rank-`nd` leaf, or a HyperparameterError. */
function axisOf(axis: number, nd: number): number {
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) {
    throw new HyperparameterError(`safeNorm options.axis ${String(axis)} is not an axis of a rank-${nd} leaf`)
  }
  return ((axis % nd) + nd) % nd
}

/** One matrix norm per matrix over the axes [a, b] of `data` (shape `shape`), in the order of the other axes. */
function matrixNorms(
  data: ArrayLike<number>,
  shape: readonly number[],
  a: number,
  b: number,
  ord: number | 'fro' | 'nuc',
) {
  const rest = shape.map((_, i) => i).filter((i) => i !== a && i !== b)
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1))
  const count = rest.reduce((p, i) => p * shape[i]!, 1)
  const [rows, cols] = [shape[a]!, shape[b]!]
  const out = new Float64Array(count)
  const m = new Float64Array(rows * cols)
  for (let k = 0; k < count; k++) {
    let base = 0
    let r = k
    for (let j = rest.length - 1; j >= 0; j--) {
      const ax = rest[j]!
      base += (r % shape[ax]!) * strides[ax]!
      r = Math.floor(r / shape[ax]!)
    }
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) m[i * cols + j] = data[base + i * strides[a]! + j * strides[b]!]!
    out[k] = matrixNorm(m, rows, cols, ord)
  }
  return out
}

/**
 * The norm of one leaf, floored at `minNorm` (optax's `safe_norm`): the L2 norm by default; with `options`, the norm
 * of order `ord` of the whole leaf, of each slice along `axis`, or of each matrix over a pair of axes (then a
 * tensor). Matrix orders are jnp.linalg.norm's, the spectral (2, −2) and nuclear ('nuc') ones from a float64 SVD.
 * ```text
 * safeNorm(x) = max(‖x‖₂, minNorm)        safeNorm(x, m, { ord: p, axis: a })ᵢ = max(‖x[…, i, …]‖ₚ, m)
 * matrix X:  ‖X‖₂ = σ_max,  ord −2: σ_min,  ‖X‖_nuc = Σσᵢ,  ‖X‖_F = √Σσᵢ²
 * ```
 * @example
 * import { safeNorm, tensor } from 'descent-ts'
 * assert.strictEqual(safeNorm(tensor([3, 4]), 0), 5)
 * assert.strictEqual(safeNorm(tensor([0, 0]), 1e-6), 1e-6)
 * assert.strictEqual(safeNorm(tensor([3, -4]), 0, { ord: Infinity }), 4)
 * const rows = safeNorm(tensor([[3, 4], [0, 0]]), 0.5, { axis: 1 })
 * assert.deepStrictEqual(rows.toArray(), [5, 0.5])
 * // diag(3, 4): σ = 4, 3, so the spectral norm is 4 and the nuclear norm 7
 * const d = tensor([[3, 0], [0, 4]], 'float64')
 * assert.deepStrictEqual([safeNorm(d, 0, { ord: 2 }), safeNorm(d, 0, { ord: 'nuc' })], [4, 7])
 * @category numerics
 * @since 0.1.0
 */
export function safeNorm(x: Leaf, minNorm: number): number
export function safeNorm(
  x: Leaf,
  minNorm: number,
  options: SafeNormOptions & { readonly axis: number | readonly [number, number] },
): Tensor
export function safeNorm(x: Leaf, minNorm: number, options: SafeNormOptions): number | Tensor
export function safeNorm(x: Leaf, minNorm: number, options?: SafeNormOptions): number | Tensor {
  if (options === undefined || (options.ord === undefined && options.axis === undefined)) {
    const n = Math.max(Math.sqrt(sumLeaf((v) => v * v, x, [], 'x')), minNorm)
    return options?.keepdims === true && isTensor(x)
      ? fromStorage(
          arrayTypeOf(x.dtype).from([n]),
          x.shape.map(() => 1),
        )
      : n
  }
  const t = isTensor(x) ? x : null
  const data = t === null ? [x as number] : Array.from(t.data)
  const shape = t === null ? [] : t.shape
  const floor = (n: number) => (n <= minNorm ? minNorm : n)
  if (options.axis === undefined) {
    const ord = options.ord ?? 'fro'
    if (shape.length === 2) return floor(matrixNorm(data, shape[0]!, shape[1]!, ord))
    return floor(vectorNorm(data, vectorOrd(ord)))
  }
  const nd = shape.length
  const axis = options.axis
  if (typeof axis !== 'number') {
    const [a, b] = [axisOf(axis[0], nd), axisOf(axis[1], nd)]
    if (a === b) throw new HyperparameterError(`safeNorm options.axis [${axis.join(', ')}] names one axis twice`)
    const norms = matrixNorms(data, shape, a, b, options.ord ?? 'fro').map(floor)
    const kept =
      options.keepdims === true
        ? shape.map((s, i) => (i === a || i === b ? 1 : s))
        : shape.filter((_, i) => i !== a && i !== b)
    return fromStorage(arrayTypeOf(t?.dtype ?? 'float64').from(norms), kept)
  }
  const a = axisOf(axis, nd)
  const ord = vectorOrd(options.ord ?? 2)
  const outer = shape.slice(0, a).reduce((p, s) => p * s, 1)
  const len = shape[a]!
  const inner = shape.slice(a + 1).reduce((p, s) => p * s, 1)
  const out = new Float64Array(outer * inner)
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const slice = Array.from({ length: len }, (_, k) => data[(o * len + k) * inner + i]!)
      out[o * inner + i] = floor(vectorNorm(slice, ord))
    }
  }
  const outShape = options.keepdims === true ? shape.map((s, i) => (i === a ? 1 : s)) : shape.filter((_, i) => i !== a)
  return fromStorage(arrayTypeOf(t?.dtype ?? 'float64').from(out), outShape)
}

/**
 * The root mean square of one leaf, floored at `minRms` (optax's `safe_root_mean_squares`).
 * ```text
 * safeRootMeanSquares(x) = max(√(mean(x²)), minRms)
 * ```
 * @example
 * import { safeRootMeanSquares, tensor } from 'descent-ts'
 * assert.strictEqual(safeRootMeanSquares(tensor([3, 3, 3, 3]), 0), 3)
 * @category numerics
 * @since 0.1.0
 */
export const safeRootMeanSquares = (x: Leaf, minRms: number): number => {
  const n = typeof x === 'number' ? 1 : (x as Tensor).size
  return Math.max(Math.sqrt(sumLeaf((v) => v * v, x, [], 'x') / Math.max(n, 1)), minRms)
}
