import type { Tensor } from '../../core/tensor'
import { maximum, mul, neg } from '../ops/arithmetic'
import type { TensorLike } from '../tensorLike'

/**
 * Binary perceptron loss (optax.perceptron_loss) for targets in {−1, +1}, element-wise: the hinge without margin.
 * ```text
 * ℓ(s, y) = max(0, −s·y)
 * ```
 * @returns a tensor of the broadcast shape of the inputs.
 * @example
 * import { perceptronLoss, tensor } from 'descent-ts'
 * assert.deepStrictEqual(perceptronLoss(tensor([2, -0.5]), tensor([1, 1])).toArray(), [0, 0.5])
 * @see hingeLoss
 * @category losses
 * @since 0.2.0
 */
export const perceptronLoss = (predictorOutputs: TensorLike, targets: TensorLike): Tensor =>
  maximum(0, neg(mul(predictorOutputs, targets)))
