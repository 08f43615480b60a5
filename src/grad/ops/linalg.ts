/**
 * Matrix products.
 * @since 0.1.0
 */
import { ShapeError } from '../../core/errors'
import type { Tensor } from '../../core/tensor'
import { broadcastShapes } from '../../kernels/ndarray'
import { bind } from '../trace'
import { type TensorLike, liftAll, shapeStr } from '../tensorLike'
import { mul } from './arithmetic'
import { sum } from './reduce'
import { reshape } from './shape'

/**
 * Matrix product with NumPy's `matmul` semantics: `[..., m, k] @ [..., k, n] → [..., m, n]` with broadcast batch
 * axes; a 1-D left operand is a row vector and a 1-D right operand a column vector (their unit axis is dropped).
 * The kernel runs the cache-friendly i-k-j loop and accumulates in float64.
 * ```text
 * C = A·B      ∂C = ∂A·B + A·∂B      Ā = C̄·Bᵀ,  B̄ = Aᵀ·C̄
 * ```
 * @returns the product.
 * @example
 * import { matmul, tensor } from 'descent-ts'
 * const a = tensor([[1, 2], [3, 4]])
 * assert.deepStrictEqual(matmul(a, tensor([[1], [1]])).toArray(), [[3], [7]])
 * assert.deepStrictEqual(matmul(a, tensor([1, 0])).toArray(), [1, 3])
 * assert.strictEqual(matmul(tensor([1, 2]), tensor([3, 4])).item(), 11)
 * @category grad
 * @since 0.1.0
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = liftAll(a, b) as [Tensor, Tensor]
  if (x.shape.length === 0 || y.shape.length === 0) {
    throw new ShapeError(
      `matmul: operands must have rank ≥ 1; got ${shapeStr(x.shape)} and ${shapeStr(y.shape)}. Use mul for scalars.`,
    )
  }
  const xv = x.shape.length === 1
  const yv = y.shape.length === 1
  const x2 = xv ? reshape(x, [1, x.shape[0]!]) : x
  const y2 = yv ? reshape(y, [y.shape[0]!, 1]) : y
  const k = x2.shape[x2.shape.length - 1]!
  const k2 = y2.shape[y2.shape.length - 2]!
  if (k !== k2) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${shapeStr(x.shape)} @ ${shapeStr(y.shape)} (${k} vs ${k2}).`,
    )
  }
  if (broadcastShapes(x2.shape.slice(0, -2), y2.shape.slice(0, -2)) === null) {
    throw new ShapeError(
      `matmul: batch dimensions of ${shapeStr(x.shape)} and ${shapeStr(y.shape)} cannot be broadcast.`,
    )
  }
  const c = bind('matmul', [x2, y2], {})
  if (!xv && !yv) return c
  const s = c.shape
  const out = xv && yv ? s.slice(0, -2) : xv ? [...s.slice(0, -2), s[s.length - 1]!] : s.slice(0, -1)
  return reshape(c, out)
}

/**
 * Dot product: for 1-D operands the inner product, for scalars the product, otherwise {@link matmul}.
 * ```text
 * dot(u, v) = Σᵢ uᵢvᵢ
 * ```
 * @returns the product.
 * @example
 * import { dot, tensor } from 'descent-ts'
 * assert.strictEqual(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(), 32)
 * @category grad
 * @since 0.1.0
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = liftAll(a, b) as [Tensor, Tensor]
  if (x.shape.length === 0 || y.shape.length === 0) return mul(x, y)
  if (x.shape.length === 1 && y.shape.length === 1) {
    if (x.shape[0] !== y.shape[0])
      throw new ShapeError(`dot: lengths differ: ${shapeStr(x.shape)} and ${shapeStr(y.shape)}.`)
    return sum(mul(x, y))
  }
  return matmul(x, y)
}

/**
 * Outer product of two vectors (flattened first).
 * ```text
 * outer(u, v)ᵢⱼ = uᵢvⱼ
 * ```
 * @returns a matrix of shape `[size(u), size(v)]`.
 * @example
 * import { outer, tensor } from 'descent-ts'
 * assert.deepStrictEqual(outer(tensor([1, 2]), tensor([3, 4])).toArray(), [[3, 4], [6, 8]])
 * @category grad
 * @since 0.1.0
 */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = liftAll(a, b) as [Tensor, Tensor]
  return mul(reshape(x, [-1, 1]), reshape(y, [1, -1]))
}

/**
 * A dense layer's affine map `x·w + b` (flax `Dense`, haiku `Linear`: `w` stored `[in, out]`), as one op: the
 * product and the bias add run in one kernel call with no intermediate `x·w` tensor, and the gradient is the three
 * products of the two ops it replaces. The values are those of `add(matmul(x, w), b)`, bit for bit. `x` is
 * `[..., k]` (every leading axis is a batch axis; a 1-D `x` is one row), `w` is `[k, n]`, `b` is `[n]`.
 * ```text
 * y = x·w + b      ∂y = ∂x·w + x·∂w + ∂b      x̄ = ȳ·wᵀ,  w̄ = xᵀ·ȳ,  b̄ = Σ_rows ȳ
 * ```
 * @param x - The inputs, `[..., k]`.
 * @param w - The weights, `[k, n]`.
 * @param b - The bias, `[n]`.
 * @returns `[..., n]`.
 * @throws ShapeError when `w` is not 2-D, `b` is not `[n]`, or the last axis of `x` is not `k`.
 * @example
 * import { add, grad, linear, matmul, ops, tensor } from 'descent-ts'
 * const x = tensor([[1, 2], [3, 4]])
 * const w = tensor([[1, 0, 2], [0, 1, 1]])
 * const b = tensor([10, 20, 30])
 * assert.deepStrictEqual(linear(x, w, b).toArray(), [[11, 22, 34], [13, 24, 40]])
 * assert.deepStrictEqual(linear(x, w, b).toArray(), add(matmul(x, w), b).toArray())
 * // b̄ sums the cotangent over the rows: here 2 rows of ones
 * const gb = grad((bias: typeof b) => ops.sum(linear(x, w, bias)))(b)
 * assert.deepStrictEqual(gb.toArray(), [2, 2, 2])
 * @see {@link matmul}, {@link relu}
 * @category grad
 * @since 0.2.0
 */
export function linear(x: TensorLike, w: TensorLike, b: TensorLike): Tensor {
  const [xt, wt, bt] = liftAll(x, w, b) as [Tensor, Tensor, Tensor]
  const rank = xt.shape.length
  const k = wt.shape[0]
  const n = wt.shape[1]
  if (wt.shape.length !== 2 || rank === 0 || xt.shape[rank - 1] !== k) {
    throw new ShapeError(
      `linear: x ${shapeStr(xt.shape)} · w ${shapeStr(wt.shape)} needs x of shape [..., k] and w of shape [k, n] ` +
        '(w is stored [in, out], as flax Dense; for a [out, in] matrix pass transpose(w)).',
    )
  }
  if (bt.shape.length !== 1 || bt.shape[0] !== n) {
    throw new ShapeError(
      `linear: the bias must have shape [${n}] (one value per output column of w ${shapeStr(wt.shape)}); got ` +
        `${shapeStr(bt.shape)}. For another broadcast, use add(matmul(x, w), b).`,
    )
  }
  if (rank === 2) return bind('linear', [xt, wt, bt], {})
  const lead = xt.shape.slice(0, -1)
  const rows = reshape(xt, [lead.reduce((a, d) => a * d, 1), k!])
  return reshape(bind('linear', [rows, wt, bt], {}), [...lead, n!])
}
