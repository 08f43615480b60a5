/**
 * Comparisons (0/1 tensors with zero derivative) and `where`.
 * @since 0.1.0
 */
import type { Tensor } from '../../core/tensor'
import { bind } from '../trace'
import { type TensorLike, broadcastOrThrow, dtypeOf, lift } from '../tensorLike'
import { binaryOp } from './arithmetic'

/**
 * Elementwise `a > b` as 1/0 (in the promoted float dtype); not differentiable (zero derivative).
 * ```text
 * greater(a, b)ᵢ = [aᵢ > bᵢ]
 * ```
 * @returns a 0/1 tensor of the broadcast shape.
 * @example
 * import { greater, tensor } from 'descent-ts'
 * assert.deepStrictEqual(greater(tensor([1, 2, 3]), 2).toArray(), [0, 0, 1])
 * @category grad
 * @since 0.1.0
 */
export const greater: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('gt', 'greater')

/**
 * Elementwise `a ≥ b` as 1/0; zero derivative.
 * ```text
 * greaterEqual(a, b)ᵢ = [aᵢ ≥ bᵢ]
 * ```
 * @returns a 0/1 tensor of the broadcast shape.
 * @example
 * import { greaterEqual, tensor } from 'descent-ts'
 * assert.deepStrictEqual(greaterEqual(tensor([1, 2, 3]), 2).toArray(), [0, 1, 1])
 * @category grad
 * @since 0.1.0
 */
export const greaterEqual: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('ge', 'greaterEqual')

/**
 * Elementwise `a < b` as 1/0; zero derivative.
 * ```text
 * less(a, b)ᵢ = [aᵢ < bᵢ]
 * ```
 * @returns a 0/1 tensor of the broadcast shape.
 * @example
 * import { less, tensor } from 'descent-ts'
 * assert.deepStrictEqual(less(tensor([1, 2, 3]), 2).toArray(), [1, 0, 0])
 * @category grad
 * @since 0.1.0
 */
export const less: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('lt', 'less')

/**
 * Elementwise `a ≤ b` as 1/0; zero derivative.
 * ```text
 * lessEqual(a, b)ᵢ = [aᵢ ≤ bᵢ]
 * ```
 * @returns a 0/1 tensor of the broadcast shape.
 * @example
 * import { lessEqual, tensor } from 'descent-ts'
 * assert.deepStrictEqual(lessEqual(tensor([1, 2, 3]), 2).toArray(), [1, 1, 0])
 * @category grad
 * @since 0.1.0
 */
export const lessEqual: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('le', 'lessEqual')

/**
 * Elementwise `a = b` as 1/0; zero derivative.
 * ```text
 * equal(a, b)ᵢ = [aᵢ = bᵢ]
 * ```
 * @returns a 0/1 tensor of the broadcast shape.
 * @example
 * import { equal, tensor } from 'descent-ts'
 * assert.deepStrictEqual(equal(tensor([1, 2, 3]), 2).toArray(), [0, 1, 0])
 * @category grad
 * @since 0.1.0
 */
export const equal: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('eq', 'equal')

/**
 * Elementwise `a ≠ b` as 1/0; zero derivative.
 * ```text
 * notEqual(a, b)ᵢ = [aᵢ ≠ bᵢ]
 * ```
 * @returns a 0/1 tensor of the broadcast shape.
 * @example
 * import { notEqual, tensor } from 'descent-ts'
 * assert.deepStrictEqual(notEqual(tensor([1, 2, 3]), 2).toArray(), [1, 0, 1])
 * @category grad
 * @since 0.1.0
 */
export const notEqual: (a: TensorLike, b: TensorLike) => Tensor = /*#__PURE__*/ binaryOp('ne', 'notEqual')

/**
 * Picks `a` where `condition` is non-zero and `b` elsewhere, with broadcasting of all three (jnp.where). The
 * condition is not differentiated; each branch gets the cotangent where it was picked. Beware the "double where"
 * trap: `where(x > 0, log(x), 0)` still has NaN gradients at x ≤ 0 — sanitise the input of `log` with a
 * `where` too. Exported only as `ops.where` (`tree.where` is the pytree version).
 * ```text
 * where(c, a, b)ᵢ = cᵢ ≠ 0 ? aᵢ : bᵢ
 * ```
 * @returns a tensor of the broadcast shape, in the promoted dtype of `a` and `b`.
 * @example
 * import { ops, tensor } from 'descent-ts'
 * const x = tensor([-1, 2])
 * assert.deepStrictEqual(ops.where(ops.greater(x, 0), x, 0).toArray(), [0, 2])
 * @category grad
 * @since 0.1.0
 */
export const where = (condition: TensorLike, a: TensorLike, b: TensorLike): Tensor => {
  const dt = dtypeOf(a, b)
  const c = lift(condition, dt)
  const x = lift(a, dt)
  const y = lift(b, dt)
  broadcastOrThrow('where', c.shape, x.shape, y.shape)
  return bind('select', [c, x, y], {})
}
