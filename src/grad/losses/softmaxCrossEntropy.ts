import type { Tensor } from '../../core/tensor'
import { mul, neg } from '../ops/arithmetic'
import { logSoftmax } from '../ops/activations'
import { sum } from '../ops/reduce'
import { type TensorLike, asTensor, normAxes } from '../tensorLike'
import { lossMask, maskedLogSoftmax, maskedSum } from './_where'

/**
 * Options of {@link softmaxCrossEntropy}.
 * @category losses
 * @since 0.1.0
 */
export interface SoftmaxCrossEntropyOptions {
  /** The class axis (or axes) of `logits` and `labels`. @defaultValue -1 */
  readonly axis?: number | readonly number[]
  /**
   * Which entries take part (nonzero = yes): a mask of the logits' shape, or of the shape without the class axes (one
   * flag per example). Excluded classes leave the softmax's normaliser and the sum; an example with no class left has
   * loss 0 (optax's `where`). @defaultValue every entry
   */
  readonly where?: TensorLike
}

/**
 * Cross-entropy between `labels` (a probability distribution per example) and the softmax of `logits`
 * (optax.softmax_cross_entropy), one value per example, with no reduction.
 *
 * Computed through {@link logSoftmax}, which subtracts the maximum first, so logits of ±1e4 in float32 give finite
 * values and gradients. `labels` are differentiable too (soft labels).
 * ```text
 * ℓ(z, y) = −Σₖ yₖ·log softmax(z)ₖ      ∂ℓ/∂z = softmax(z)·Σₖ yₖ − y   (= softmax(z) − y when Σₖ yₖ = 1)
 * with where = w:   ℓ = −Σ_{k: wₖ} yₖ·(zₖ − log Σ_{j: wⱼ} exp zⱼ)      (0 when no wₖ)
 * ```
 * @returns a tensor of the broadcast shape of `logits` and `labels` without the class axis.
 * @example
 * import { softmaxCrossEntropy, tensor } from 'descent-ts'
 * // softmax([0, 0]) = [½, ½], so the loss is −log ½ = log 2
 * const l = softmaxCrossEntropy(tensor([[0, 0]], 'float64'), tensor([[1, 0]], 'float64'))
 * assert.deepStrictEqual(l.toArray(), [Math.LN2])
 * // Masking the third class leaves the two-class problem; a fully masked example gives 0.
 * const z = tensor([[0, 0, 5], [1, 2, 3]], 'float64')
 * const y = tensor([[1, 0, 0], [0, 0, 1]], 'float64')
 * const w = tensor([[1, 1, 0], [0, 0, 0]])
 * assert.deepStrictEqual(softmaxCrossEntropy(z, y, { where: w }).toArray(), [Math.LN2, 0])
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
  if (options.where === undefined) return neg(sum(mul(labels, logSoftmax(logits, axis)), axis))
  const z = asTensor(logits)
  const axes = normAxes('softmaxCrossEntropy', axis, z.shape.length)
  const m = lossMask('softmaxCrossEntropy', options.where, z.shape, axes)
  // The sign inside the sum, so that an example with no class left is +0 (an empty sum), not −0.
  return maskedSum(neg(mul(labels, maskedLogSoftmax(z, m, axes))), m, axes)
}
