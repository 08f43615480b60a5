import type { Tensor } from '../../core/tensor'
import { mul, neg } from '../ops/arithmetic'
import { logSoftmax } from '../ops/activations'
import { sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'

/**
 * Options of {@link softmaxCrossEntropy}.
 * @category losses
 * @since 0.1.0
 */
export interface SoftmaxCrossEntropyOptions {
  /** The class axis (or axes) of `logits` and `labels`. @defaultValue -1 */
  readonly axis?: number | readonly number[]
}

/**
 * Cross-entropy between `labels` (a probability distribution per example) and the softmax of `logits`
 * (optax.softmax_cross_entropy), one value per example, with no reduction.
 *
 * Computed through {@link logSoftmax}, which subtracts the maximum first, so logits of ±1e4 in float32 give finite
 * values and gradients. `labels` are differentiable too (soft labels).
 * ```text
 * ℓ(z, y) = −Σₖ yₖ·log softmax(z)ₖ      ∂ℓ/∂z = softmax(z)·Σₖ yₖ − y   (= softmax(z) − y when Σₖ yₖ = 1)
 * ```
 * @returns a tensor of the broadcast shape of `logits` and `labels` without the class axis.
 * @example
 * import { softmaxCrossEntropy, tensor } from 'descent-ts'
 * // softmax([0, 0]) = [½, ½], so the loss is −log ½ = log 2
 * const l = softmaxCrossEntropy(tensor([[0, 0]], 'float64'), tensor([[1, 0]], 'float64'))
 * assert.deepStrictEqual(l.toArray(), [Math.LN2])
 * @see softmaxCrossEntropyWithIntegerLabels, logSoftmax, sigmoidBinaryCrossEntropy
 * @category losses
 * @since 0.1.0
 */
export function softmaxCrossEntropy(
  logits: TensorLike,
  labels: TensorLike,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const { axis = -1 } = options
  return neg(sum(mul(labels, logSoftmax(logits, axis)), axis))
}
