/**
 * Reductions over axes. `axis` is a number, a list of axes, or `undefined` for all axes; `keepDims` keeps the
 * reduced axes with size 1. A second argument may be the axis itself or an options object.
 * @since 0.1.0
 */
import type { Tensor } from '../../core/tensor'
import { bind } from '../trace'
import { type TensorLike, asTensor, normAxes, sameShape } from '../tensorLike'
import { add, div, mul, neg, square } from './arithmetic'
import { equal, where } from './compare'
import { abs, exp, log, sqrt, stopGradient } from './unary'
import { broadcastTo, concat, reshape, slice, transpose } from './shape'
import { full } from '../../core/tensor'

/**
 * Options of the reductions.
 * @category grad
 * @since 0.1.0
 */
export interface ReduceOptions {
  /** The axes to reduce (negative values count from the end). @defaultValue all axes */
  readonly axis?: number | readonly number[]
  /** Keep reduced axes with size 1, so the result broadcasts against the input. @defaultValue false */
  readonly keepDims?: boolean
}

/**
 * The second argument of a reduction: an axis, a list of axes, or a {@link ReduceOptions} object.
 * @category grad
 * @since 0.1.0
 */
export type AxisOrOptions = number | readonly number[] | ReduceOptions

const options = (a: AxisOrOptions | undefined): ReduceOptions =>
  a === undefined
    ? {}
    : typeof a === 'number' || Array.isArray(a)
      ? { axis: a as number | readonly number[] }
      : (a as ReduceOptions)

function reduceOp(
  prim: 'sum' | 'reduceMax' | 'reduceMin',
  name: string,
  x: TensorLike,
  o: AxisOrOptions | undefined,
): Tensor {
  const t = asTensor(x)
  const { axis, keepDims = false } = options(o)
  const axes = normAxes(name, axis, t.shape.length)
  if (axes.length === 0) return t
  return bind(prim, [t], { axes, keepDims })
}

/** @internal The shape of `x` with `axes` set to 1. */
export const keptShape = (shape: readonly number[], axes: readonly number[]): number[] =>
  shape.map((d, i) => (axes.includes(i) ? 1 : d))

/**
 * Sums over the given axes (all by default), accumulating in float64 from +0 and rounding once to the dtype, with
 * IEEE semantics: NaN propagates, +∞ + −∞ = NaN, and a sum of only −0 is +0 (as XLA; NumPy keeps −0). Exported only
 * as `ops.sum`, so that it is never confused with `tree.sum` (the sum of every leaf of a pytree, as a number).
 * ```text
 * sum(x, A)[j] = Σ_{i ∈ A} x[i, j]      ∂/∂x = 1 (broadcast back)
 * ```
 * @returns the reduced tensor.
 * @example
 * import { ops, tensor } from 'descent-ts'
 * const x = tensor([[1, 2], [3, 4]])
 * assert.strictEqual(ops.sum(x).item(), 10)
 * assert.deepStrictEqual(ops.sum(x, 0).toArray(), [4, 6])
 * assert.deepStrictEqual(ops.sum(x, { axis: 1, keepDims: true }).toArray(), [[3], [7]])
 * @category grad
 * @since 0.1.0
 */
export const sum = (x: TensorLike, axis?: AxisOrOptions): Tensor => reduceOp('sum', 'sum', x, axis)

/**
 * Maximum over axes: IEEE 754-2019 `maximum`, so NaN wins (as NumPy and XLA) and −0 < +0. Ties share the
 * derivative evenly (JAX's rule), so the derivative of `max([1, 1])` is `[½, ½]`. Exported only as `ops.max`.
 * ```text
 * ∂max/∂xᵢ = [xᵢ = max] / #{j : xⱼ = max}
 * ```
 * @returns the reduced tensor.
 * @example
 * import { grad, ops, tensor } from 'descent-ts'
 * assert.strictEqual(ops.max(tensor([1, 5, 3])).item(), 5)
 * assert.deepStrictEqual(grad((x) => ops.max(x))(tensor([2, 2])).toArray(), [0.5, 0.5])
 * @category grad
 * @since 0.1.0
 */
export const max = (x: TensorLike, axis?: AxisOrOptions): Tensor => reduceOp('reduceMax', 'max', x, axis)

/**
 * Minimum over axes: IEEE 754-2019 `minimum` (NaN wins, −0 < +0); ties share the derivative evenly. Exported only
 * as `ops.min`.
 * ```text
 * ∂min/∂xᵢ = [xᵢ = min] / #{j : xⱼ = min}
 * ```
 * @returns the reduced tensor.
 * @example
 * import { ops, tensor } from 'descent-ts'
 * assert.deepStrictEqual(ops.min(tensor([[1, 5], [0, 7]]), 1).toArray(), [1, 0])
 * @category grad
 * @since 0.1.0
 */
export const min = (x: TensorLike, axis?: AxisOrOptions): Tensor => reduceOp('reduceMin', 'min', x, axis)

/**
 * Arithmetic mean over axes. The sum is rounded to the dtype before the division, so a float32 mean of values whose
 * sum passes ±3.4·10³⁸ is ±Infinity although the float64 mean would fit (a deliberate exception: use float64 there).
 * ```text
 * mean(x, A) = sum(x, A) / Π_{a ∈ A} nₐ
 * ```
 * @returns the reduced tensor.
 * @example
 * import { mean, tensor } from 'descent-ts'
 * assert.strictEqual(mean(tensor([1, 2, 3, 6])).item(), 3)
 * @category grad
 * @since 0.1.0
 */
export function mean(x: TensorLike, axis?: AxisOrOptions): Tensor {
  const t = asTensor(x)
  const o = options(axis)
  const axes = normAxes('mean', o.axis, t.shape.length)
  let n = 1
  for (const a of axes) n *= t.shape[a]!
  // sum(t, { ...o, axis: axes }) without normalising the axes a second time.
  return div(axes.length === 0 ? t : bind('sum', [t], { axes, keepDims: o.keepDims ?? false }), n)
}

/**
 * Product over axes, by pairwise multiplication of halves (exact derivatives, also with zeros in `x`). Each partial
 * product is rounded to the dtype, so where a float32 partial product under- or overflows (0·∞ = NaN) the result can
 * differ from the float64 product (a deliberate exception; use float64 for such ranges).
 * ```text
 * prod(x, A) = Π_{i ∈ A} xᵢ
 * ```
 * @returns the reduced tensor.
 * @example
 * import { prod, tensor } from 'descent-ts'
 * assert.deepStrictEqual(prod(tensor([[1, 2, 3], [4, 5, 6]]), 1).toArray(), [6, 120])
 * @category grad
 * @since 0.1.0
 */
export function prod(x: TensorLike, axis?: AxisOrOptions): Tensor {
  const t = asTensor(x)
  const o = options(axis)
  const axes = normAxes('prod', o.axis, t.shape.length)
  const rest = t.shape.map((_, i) => i).filter((i) => !axes.includes(i))
  const outer = rest.map((i) => t.shape[i]!)
  const n = axes.reduce((p, a) => p * t.shape[a]!, 1)
  let y = reshape(transpose(t, [...rest, ...axes]), [...outer, n])
  let len = n
  while (len > 1) {
    if (len % 2 === 1) {
      y = concat([y, full([...outer, 1], 1, y.dtype)], outer.length)
      len++
    }
    const h = len / 2
    y = mul(slice(y, [...outer.map(() => 0), 0], [...outer, h]), slice(y, [...outer.map(() => 0), h], [...outer, h]))
    len = h
  }
  const r = len === 0 ? full(outer, 1, t.dtype) : reshape(y, outer)
  return o.keepDims ? reshape(r, keptShape(t.shape, axes)) : r
}

/**
 * `log Σ exp(x)` over axes, computed stably: the maximum is subtracted first (under {@link stopGradient}, so it
 * does not change the derivatives), and an all −∞ slice gives −∞ rather than NaN. Non-finite values give the
 * exact value: NaN when a slice holds a NaN, else +∞ when it holds +∞ (where the max-subtracted formula alone
 * would give ∞ − ∞ = NaN).
 * ```text
 * logsumexp(x) = m + log Σᵢ exp(xᵢ − m),  m = max x      ∂/∂x = softmax(x)
 * ```
 * @returns the reduced tensor.
 * @example
 * import { logsumexp, tensor } from 'descent-ts'
 * assert.ok(Math.abs(logsumexp(tensor([1000, 1000], 'float64')).item() - (1000 + Math.log(2))) < 1e-9)
 * @category grad
 * @since 0.1.0
 */
export function logsumexp(x: TensorLike, axis?: AxisOrOptions): Tensor {
  const t = asTensor(x)
  const o = options(axis)
  const axes = normAxes('logsumexp', o.axis, t.shape.length)
  const m0 = stopGradient(max(t, { axis: axes, keepDims: true }))
  const m = where(equal(abs(m0), Infinity), 0, m0)
  const s = add(log(sum(exp(add(t, neg(m))), { axis: axes, keepDims: true })), m)
  return o.keepDims
    ? s
    : reshape(
        s,
        t.shape.filter((_, i) => !axes.includes(i)),
      )
}

/**
 * Options of {@link norm}.
 * @category grad
 * @since 0.1.0
 */
export interface NormOptions extends ReduceOptions {
  /** 1, 2 (Euclidean / Frobenius) or Infinity. @defaultValue 2 */
  readonly ord?: 1 | 2 | typeof Infinity
}

/**
 * The vector norm over axes (all by default, so a matrix gets its Frobenius norm). The 2-norm's gradient `x/‖x‖`
 * is NaN at x = 0, as in JAX; use `safeNorm` style guards if that matters.
 *
 * The 2-norm is computed scaled by s = max |xᵢ| (under {@link stopGradient}, as BLAS `nrm2`), so squares of large
 * or tiny float32 values neither overflow nor underflow: ‖[1e20]‖ is 1e20, not Infinity, and ‖[1e−30]‖ is 1e−30,
 * not 0, as the float64 value rounded to the dtype. NaN and ±Infinity give what √(Σ xᵢ²) gives: NaN when any
 * element is NaN, else +Infinity when any is ±Infinity.
 * ```text
 * ‖x‖₁ = Σ|xᵢ|      ‖x‖₂ = √(Σ xᵢ²) = s·√(Σ (xᵢ/s)²)      ‖x‖∞ = max |xᵢ|
 * ```
 * @returns the reduced tensor.
 * @example
 * import { norm, tensor } from 'descent-ts'
 * assert.strictEqual(norm(tensor([3, 4])).item(), 5)
 * assert.strictEqual(norm(tensor([3, -4]), { ord: 1 }).item(), 7)
 * @category grad
 * @since 0.1.0
 */
export function norm(x: TensorLike, opts: NormOptions = {}): Tensor {
  const { ord = 2, ...rest } = opts
  if (ord === 1) return sum(abs(x), rest)
  if (ord === Infinity) return max(abs(x), rest)
  const t = asTensor(x)
  const axes = normAxes('norm', rest.axis, t.shape.length)
  if (axes.length === 0) return abs(t)
  const s0 = stopGradient(max(abs(t), { axis: axes, keepDims: true }))
  // s = 0 (all zeros) and s = ∞ fall back to 1: then √(Σ xᵢ²) is 0, or +∞ as it should be; s = NaN propagates.
  const s = where(equal(s0, 0), 1, where(equal(s0, Infinity), 1, s0))
  const r = mul(sqrt(sum(square(div(t, s)), { axis: axes, keepDims: true })), s)
  return rest.keepDims === true
    ? r
    : reshape(
        r,
        t.shape.filter((_, i) => !axes.includes(i)),
      )
}

/** @internal Sums `x` down to `shape` (the transpose of broadcasting `shape` to `x.shape`). */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(x.shape, shape)) return x
  const lead = x.shape.length - shape.length
  const axes: number[] = []
  x.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i)
  })
  const s = axes.length === 0 ? x : bind('sum', [x], { axes, keepDims: true })
  return reshape(s, shape)
}

/** @internal Broadcasts `t` to `shape` when it differs (a helper for rules). */
export const broadcastIfNeeded = (t: Tensor, shape: readonly number[]): Tensor =>
  sameShape(t.shape, shape) ? t : broadcastTo(t, shape)
