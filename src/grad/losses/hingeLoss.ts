import type { Tensor } from '../../core/tensor'
import { maximum, mul, sub } from '../ops/arithmetic'
import type { TensorLike } from '../tensorLike'

/**
 * Binary hinge loss (optax.hinge_loss) for targets in {−1, +1}, element-wise: the SVM loss.
 * ```text
 * ℓ(s, y) = max(0, 1 − s·y)
 * ```
 * @returns a tensor of the broadcast shape of the inputs.
 * @example
 * import { hingeLoss, tensor } from 'descent-ts'
 * assert.deepStrictEqual(hingeLoss(tensor([2, 0.5, -1]), tensor([1, 1, 1])).toArray(), [0, 0.5, 2])
 * @see perceptronLoss, multiclassHingeLoss
 * @category losses
 * @since 0.2.0
 */
export const hingeLoss = (predictorOutputs: TensorLike, targets: TensorLike): Tensor =>
  maximum(0, sub(1, mul(predictorOutputs, targets)))
