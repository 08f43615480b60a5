import type { Tensor } from '../../core/tensor'
import { mul, sub } from '../ops/arithmetic'
import { max, sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'
import { classOneHot, withClassAxis } from './_internal'

/**
 * Multiclass perceptron loss (optax.multiclass_perceptron_loss), classes on the last axis, integer labels.
 * ```text
 * ℓ(s, y) = maxₖ sₖ − s_y
 * ```
 * @returns a tensor of the scores' shape without the last axis.
 * @example
 * import { multiclassPerceptronLoss, tensor } from 'descent-ts'
 * assert.deepStrictEqual(multiclassPerceptronLoss(tensor([[1, 3], [1, 3]]), [0, 1]).toArray(), [2, 0])
 * @see multiclassHingeLoss, perceptronLoss
 * @category losses
 * @since 0.2.0
 */
export function multiclassPerceptronLoss(scores: TensorLike, labels: TensorLike | ArrayLike<number>): Tensor {
  const s = withClassAxis('multiclassPerceptronLoss', scores)
  const y = classOneHot('multiclassPerceptronLoss', s, labels, s.shape.length - 1)
  return sub(max(s, -1), sum(mul(s, y), -1))
}
