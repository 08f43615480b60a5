import type { Tensor } from '../../core/tensor'
import { square } from '../ops/arithmetic'
import type { TensorLike } from '../tensorLike'
import { errors } from './_internal'

/**
 * Element-wise squared error (optax.squared_error), with no reduction: take the mean yourself, or use {@link mse}.
 *
 * Without `targets` the loss is `p²` (optax's `targets=None`). Two tensors must have the same shape (a
 * `ShapeError` otherwise); a number target is a scalar.
 * ```text
 * squaredError(p, t) = (p − t)²      ∂/∂p = 2·(p − t)
 * ```
 * @returns a tensor of the predictions' shape.
 * @example
 * import { squaredError, tensor } from 'descent-ts'
 * assert.deepStrictEqual(squaredError(tensor([1, 2, 3]), tensor([1, 0, 6])).toArray(), [0, 4, 9])
 * @see l2Loss, mse, huberLoss
 * @category losses
 * @since 0.1.0
 */
export const squaredError = (predictions: TensorLike, targets?: TensorLike): Tensor =>
  square(errors('squaredError', predictions, targets))
