/**
 * Elementwise arithmetic with NumPy broadcasting. Numbers are weakly typed (they take the other operand's dtype);
 * results are float64 if any tensor operand is float64.
 * @since 0.1.0
 */
import type { Tensor } from '../../core/tensor'
import type { Primitive } from '../primitives'
import { bind } from '../trace'
import { NO_PARAMS, type TensorLike, broadcastOrThrow, liftAll, sameShape, scalar } from '../tensorLike'

/** @internal A broadcasting binary primitive as an op. */
export const binaryOp =
  (
    prim: Primitive & ('add' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne'),
    name: string,
  ) =>
  (a: TensorLike, b: TensorLike): Tensor => {
    // liftAll(a, b) written out (no rest array, no map): a number takes the other operand's dtype, float32 alone.
    const x = typeof a === 'number' ? scalar(a, typeof b === 'number' ? 'float32' : b.dtype) : a
    const y = typeof b === 'number' ? scalar(b, x.dtype) : b
    if (!sameShape(x.shape, y.shape)) broadcastOrThrow(name, x.shape, y.shape)
    return bind(prim, [x, y], NO_PARAMS)
  }

/**
 * Elementwise sum with broadcasting.
 *
 * ```text
 * add(a, b)ᵢ = aᵢ + bᵢ      ∂/∂a = 1, ∂/∂b = 1 (summed over broadcast axes)
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { add, tensor } from 'descent-ts'
 * assert.deepStrictEqual(add(tensor([[1], [2]]), tensor([10, 20])).toArray(), [[11, 21], [12, 22]])
 * assert.deepStrictEqual(add(tensor([1, 2]), 1).toArray(), [2, 3])
 * @category grad
 * @since 0.1.0
 */
export const add: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('add', 'add')

/**
 * Elementwise product with broadcasting.
 *
 * ```text
 * mul(a, b)ᵢ = aᵢ·bᵢ      ∂/∂a = b, ∂/∂b = a
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { mul, tensor } from 'descent-ts'
 * assert.deepStrictEqual(mul(tensor([1, 2, 3]), 2).toArray(), [2, 4, 6])
 * @category grad
 * @since 0.1.0
 */
export const mul: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('mul', 'mul')

/**
 * Elementwise quotient with broadcasting (IEEE semantics: division by zero gives ±Infinity or NaN).
 *
 * ```text
 * div(a, b)ᵢ = aᵢ / bᵢ      ∂/∂a = 1/b, ∂/∂b = −a/b²
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { div, tensor } from 'descent-ts'
 * assert.deepStrictEqual(div(tensor([1, 2]), tensor([4, 8])).toArray(), [0.25, 0.25])
 * @category grad
 * @since 0.1.0
 */
export const div: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('div', 'div')

/**
 * Elementwise power `xʸ`, differentiable in both arguments.
 *
 * ```text
 * ∂/∂x = y·x^(y−1)      ∂/∂y = xʸ·log x  (taken as 0 where x = 0, as JAX)
 * ```
 * The `∂/∂y` term is only computed when `y` is being differentiated, so `pow(x, 2)` at negative `x` is fine.
 * Special values follow IEEE 754 / C99 `pow` (as NumPy and XLA): `pow(1, y) = 1` for every y, NaN included, and
 * `pow(−1, ±∞) = 1`, where JavaScript's `Math.pow` gives NaN.
 * @returns a tensor of the broadcast shape.
 * @example
 * import { pow, tensor } from 'descent-ts'
 * assert.deepStrictEqual(pow(tensor([2, 3]), 2).toArray(), [4, 9])
 * @category grad
 * @since 0.1.0
 */
export const pow: (x: TensorLike, y: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('pow', 'pow')

/**
 * Elementwise maximum with broadcasting: IEEE 754-2019 `maximum`, so NaN wins (as NumPy and XLA) and
 * `maximum(−0, +0) = +0`. At ties (−0 and +0 included) the derivative is split evenly (½ to each side), as JAX.
 *
 * ```text
 * ∂/∂a = [a > b] + ½[a = b]
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { maximum, tensor } from 'descent-ts'
 * assert.deepStrictEqual(maximum(tensor([1, 5]), 3).toArray(), [3, 5])
 * @category grad
 * @since 0.1.0
 */
export const maximum: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('maximum', 'maximum')

/**
 * Elementwise minimum with broadcasting: IEEE 754-2019 `minimum`, so NaN wins and `minimum(−0, +0) = −0`. At ties
 * the derivative is split evenly (½ to each side), as JAX.
 *
 * ```text
 * ∂/∂a = [a < b] + ½[a = b]
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { minimum, tensor } from 'descent-ts'
 * assert.deepStrictEqual(minimum(tensor([1, 5]), 3).toArray(), [1, 3])
 * @category grad
 * @since 0.1.0
 */
export const minimum: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('minimum', 'minimum')

/**
 * Elementwise negation.
 *
 * ```text
 * neg(x) = −x
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { neg, tensor } from 'descent-ts'
 * assert.deepStrictEqual(neg(tensor([1, -2])).toArray(), [-1, 2])
 * @category grad
 * @since 0.1.0
 */
export const neg = (x: TensorLike): Tensor => bind('neg', liftAll(x), NO_PARAMS)

/**
 * Elementwise difference with broadcasting, `add(a, neg(b))`.
 *
 * ```text
 * sub(a, b)ᵢ = aᵢ − bᵢ
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { sub, tensor } from 'descent-ts'
 * assert.deepStrictEqual(sub(tensor([5, 7]), tensor([1, 2])).toArray(), [4, 5])
 * assert.deepStrictEqual(sub(1, tensor([1, 2])).toArray(), [0, -1])
 * @category grad
 * @since 0.1.0
 */
export const sub = (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = liftAll(a, b) as [Tensor, Tensor]
  broadcastOrThrow('sub', x.shape, y.shape)
  return add(x, neg(y))
}

/**
 * Elementwise square, `mul(x, x)`.
 *
 * ```text
 * square(x) = x²      d/dx = 2x
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { square, tensor } from 'descent-ts'
 * assert.deepStrictEqual(square(tensor([-3, 2])).toArray(), [9, 4])
 * @category grad
 * @since 0.1.0
 */
export const square = (x: TensorLike): Tensor => {
  const [t] = liftAll(x) as [Tensor]
  return mul(t, t)
}

/**
 * Elementwise reciprocal, `div(1, x)`.
 *
 * ```text
 * reciprocal(x) = 1/x      d/dx = −1/x²
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { reciprocal, tensor } from 'descent-ts'
 * assert.deepStrictEqual(reciprocal(tensor([2, 4])).toArray(), [0.5, 0.25])
 * @category grad
 * @since 0.1.0
 */
export const reciprocal = (x: TensorLike): Tensor => div(1, x)

/**
 * Clamps every element into `[lo, hi]`, as `minimum(maximum(x, lo), hi)` (jnp.clip), so a NaN in `x` stays NaN. The
 * derivative is 1 strictly
 * inside, 0 outside, and ½ exactly at a bound (the tie rule of {@link maximum}). Exported only as `ops.clip`: the
 * top-level `clip` is the gradient transformation.
 *
 * ```text
 * clip(x, lo, hi) = min(max(x, lo), hi)
 * ```
 * @returns a tensor of the broadcast shape.
 * @example
 * import { ops, tensor } from 'descent-ts'
 * assert.deepStrictEqual(ops.clip(tensor([-2, 0.5, 3]), 0, 1).toArray(), [0, 0.5, 1])
 * @category grad
 * @since 0.1.0
 */
export const clip = (x: TensorLike, lo: TensorLike = -Infinity, hi: TensorLike = Infinity): Tensor => {
  const [t, l, h] = liftAll(x, lo, hi) as [Tensor, Tensor, Tensor]
  return minimum(maximum(t, l), h)
}
