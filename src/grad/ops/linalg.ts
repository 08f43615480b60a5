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
