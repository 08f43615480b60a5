import type { Tensor } from '../../core/tensor'
import { add, mul, sub } from '../ops/arithmetic'
import { max, sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'
import { classOneHot, withClassAxis } from './_internal'

/**
 * Multiclass hinge loss (optax.multiclass_hinge_loss; Crammer & Singer), classes on the last axis, integer labels.
 * ```text
 * ℓ(s, y) = maxₖ (sₖ + 1 − [k = y]) − s_y
 * ```
 * @returns a tensor of the scores' shape without the last axis.
 * @example
 * import { multiclassHingeLoss, tensor } from 'descent-ts'
 * // max(1 + 1 − 1, 0.5 + 1) − 1 = 0.5;  max(1 + 1, 3 + 1 − 1) − 3 = 0
 * assert.deepStrictEqual(multiclassHingeLoss(tensor([[1, 0.5], [1, 3]]), [0, 1]).toArray(), [0.5, 0])
 * @see multiclassPerceptronLoss, hingeLoss
 * @category losses
 * @since 0.2.0
 */
export function multiclassHingeLoss(scores: TensorLike, labels: TensorLike | ArrayLike<number>): Tensor {
  const s = withClassAxis('multiclassHingeLoss', scores)
  const y = classOneHot('multiclassHingeLoss', s, labels, s.shape.length - 1)
  return sub(max(sub(add(s, 1), y), -1), sum(mul(s, y), -1))
}
