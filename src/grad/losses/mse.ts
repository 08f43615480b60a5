import type { Tensor } from '../../core/tensor'
import { square } from '../ops/arithmetic'
import { mean } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'
import { errors } from './_internal'

/**
 * Mean squared error: the mean of {@link squaredError} over every element, a 0-d tensor ready for `grad`.
 *
 * A convenience on top of optax's unreduced `squared_error` (optax has no `mse`; there one writes
 * `optax.squared_error(p, t).mean()`). Without `targets` it is the mean of `p²`.
 * ```text
 * mse(p, t) = (1/n)·Σᵢ (pᵢ − tᵢ)²      ∂/∂pᵢ = 2·(pᵢ − tᵢ)/n
 * ```
 * @returns a 0-d tensor.
 * @example
 * import { grad, mse, tensor } from 'descent-ts'
 * assert.strictEqual(mse(tensor([1, 2, 3], 'float64'), tensor([1, 0, 6], 'float64')).item(), 13 / 3)
 * assert.deepStrictEqual(grad((p) => mse(p, tensor([0, 0])))(tensor([1, -2])).toArray(), [1, -2])
 * @see squaredError, l2Loss
 * @category losses
 * @since 0.1.0
 */
export const mse = (predictions: TensorLike, targets?: TensorLike): Tensor =>
  mean(square(errors('mse', predictions, targets)))
