import type { Tensor } from '../../core/tensor'
import { mul, square } from '../ops/arithmetic'
import type { TensorLike } from '../tensorLike'
import { errors } from './_internal'

/**
 * Element-wise half squared error (optax.l2_loss), with no reduction.
 *
 * Half of {@link squaredError}, so that its gradient is the plain error. Without `targets` the loss is `½p²`.
 * ```text
 * l2Loss(p, t) = ½·(p − t)²      ∂/∂p = p − t
 * ```
 * @returns a tensor of the predictions' shape.
 * @example
 * import { grad, l2Loss, mean, tensor } from 'descent-ts'
 * assert.deepStrictEqual(l2Loss(tensor([1, 3]), tensor([1, 1])).toArray(), [0, 2])
 * // mean over 2 elements: ∂/∂p = (p − t)/2
 * const g = grad((p) => mean(l2Loss(p, tensor([0, 0]))))(tensor([2, 4]))
 * assert.deepStrictEqual(g.toArray(), [1, 2])
 * @see squaredError, mse
 * @category losses
 * @since 0.1.0
 */
export const l2Loss = (predictions: TensorLike, targets?: TensorLike): Tensor =>
  mul(square(errors('l2Loss', predictions, targets)), 0.5)
