import { HyperparameterError } from './errors'
import { sumLeaf } from './leafMath'
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
   * non-zeros for 0. Without `axis`, a rank-2 leaf takes a matrix norm: `'fro'` (the default), 1 / −1 (max / min
   * column sum of |x|), Infinity / −Infinity (max / min row sum). The spectral and nuclear norms are not offered.
   * @defaultValue 2 (Frobenius for a matrix)
   */
  readonly ord?: number | 'fro' | undefined
  /** The axis of the vector norms (one per slice along it); undefined: the whole leaf. @defaultValue undefined */
  readonly axis?: number | undefined
  /** Keep the reduced axis with size 1. @defaultValue false */
  readonly keepdims?: boolean
}

const vectorNorm = (v: readonly number[], ord: number): number => {
  if (ord === Infinity) return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0)
  if (ord === -Infinity) return v.reduce((m, x) => Math.min(m, Math.abs(x)), Infinity)
  if (ord === 0) return v.filter((x) => x !== 0).length
  if (ord === 2) return Math.sqrt(v.reduce((a, x) => a + x * x, 0))
  return v.reduce((a, x) => a + Math.abs(x) ** ord, 0) ** (1 / ord)
}

function matrixNorm(t: Tensor, ord: number | 'fro'): number {
  const [rows, cols] = t.shape as [number, number]
  const at = (i: number, j: number) => Math.abs(t.data[i * cols + j]!)
  if (ord === 'fro') return Math.sqrt(Array.from(t.data).reduce((a, x) => a + x * x, 0))
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
    `safeNorm options.ord ${String(ord)} on a matrix: use 'fro', 1, -1, Infinity or -Infinity`,
  )
}

/**
 * The norm of one leaf, floored at `minNorm` (optax's `safe_norm`): the L2 norm by default; with `options`, the norm
 * of order `ord` of the whole leaf or of each slice along `axis` (then a tensor).
 * ```text
 * safeNorm(x) = max(‖x‖₂, minNorm)        safeNorm(x, m, { ord: p, axis: a })ᵢ = max(‖x[…, i, …]‖ₚ, m)
 * ```
 * @example
 * import { safeNorm, tensor } from 'descent-ts'
 * assert.strictEqual(safeNorm(tensor([3, 4]), 0), 5)
 * assert.strictEqual(safeNorm(tensor([0, 0]), 1e-6), 1e-6)
 * assert.strictEqual(safeNorm(tensor([3, -4]), 0, { ord: Infinity }), 4)
 * const rows = safeNorm(tensor([[3, 4], [0, 0]]), 0.5, { axis: 1 })
 * assert.deepStrictEqual(rows.toArray(), [5, 0.5])
 * @category numerics
 * @since 0.1.0
 */
export function safeNorm(x: Leaf, minNorm: number): number
export function safeNorm(x: Leaf, minNorm: number, options: SafeNormOptions & { readonly axis: number }): Tensor
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
    const n = shape.length === 2 && t !== null ? matrixNorm(t, ord) : vectorNorm(data, ord === 'fro' ? 2 : ord)
    return floor(n)
  }
  const nd = shape.length
  const axis = options.axis
  if (!Number.isInteger(axis) || axis < -nd || axis >= nd) {
    throw new HyperparameterError(`safeNorm options.axis ${String(axis)} is not an axis of a rank-${nd} leaf`)
  }
  const a = ((axis % nd) + nd) % nd
  const ord = options.ord === undefined || options.ord === 'fro' ? 2 : options.ord
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
