import type { Tensor } from '../../core/tensor'
import { add, mul, sub } from '../ops/arithmetic'
import { softmax } from '../ops/activations'
import { sum } from '../ops/reduce'
import { exp } from '../ops/unary'
import { type TensorLike, asTensor, normAxes } from '../tensorLike'
import { lossMask, maskedLogSoftmax, maskedSum } from './_where'
import { softmaxCrossEntropy } from './softmaxCrossEntropy'

/**
 * Options of {@link polyLossCrossEntropy}.
 * @category losses
 * @since 0.2.0
 */
export interface PolyLossCrossEntropyOptions {
  /** Weight ε of the first polynomial term; ε = 0 is the cross-entropy, ε = −1 drops its first term. @defaultValue 2 */
  readonly epsilon?: number
  /** The class axis (or axes). @defaultValue -1 */
  readonly axis?: number | readonly number[]
  /**
   * Which entries take part (nonzero = yes): a mask of the logits' shape or of the shape without the class axes.
   * Excluded classes leave the softmax and both sums; an example with no class left has loss 0 (optax's `where`).
   * @defaultValue every entry
   */
  readonly where?: TensorLike
}

/**
 * Poly-1 cross-entropy (optax.poly_loss_cross_entropy; Leng et al. 2022, arXiv 2204.12511): the softmax
 * cross-entropy plus ε times the first term of its Taylor series in (1 − p_t).
 * ```text
 * ℓ = CE(s, y) + ε·Σₖ yₖ·(1 − pₖ),   p = softmax(s)      (with where = w: softmax and Σ over the k with wₖ ≠ 0)
 * ```
 * @returns a tensor of the logits' shape without `axis`.
 * @example
 * import { polyLossCrossEntropy, softmaxCrossEntropy, tensor } from 'descent-ts'
 * const s = tensor([0, 0], 'float64')
 * const y = tensor([1, 0], 'float64')
 * // p = (½, ½): CE = log 2, and 2·(1 − ½) = 1 more
 * assert.ok(Math.abs(polyLossCrossEntropy(s, y).item() - (Math.LN2 + 1)) < 1e-15)
 * assert.strictEqual(polyLossCrossEntropy(s, y, { epsilon: 0 }).item(), softmaxCrossEntropy(s, y).item())
 * @see softmaxCrossEntropy
 * @category losses
 * @since 0.2.0
 */
export function polyLossCrossEntropy(
  logits: TensorLike,
  labels: TensorLike,
  options: PolyLossCrossEntropyOptions = {},
): Tensor {
  const { epsilon = 2, axis = -1, where } = options
  if (where === undefined) {
    const oneMinusPt = sum(mul(labels, sub(1, softmax(logits, axis))), axis)
    return add(softmaxCrossEntropy(logits, labels, { axis }), mul(oneMinusPt, epsilon))
  }
  const z = asTensor(logits)
  const axes = normAxes('polyLossCrossEntropy', axis, z.shape.length)
  const m = lossMask('polyLossCrossEntropy', where, z.shape, axes)
  const oneMinusPt = maskedSum(mul(labels, sub(1, exp(maskedLogSoftmax(z, m, axes)))), m, axes)
  return add(softmaxCrossEntropy(z, labels, { axis, where: m }), mul(oneMinusPt, epsilon))
}
