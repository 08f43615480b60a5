import type { Tensor } from '../../core/tensor'
import { mul, neg } from '../ops/arithmetic'
import { logSoftmax } from '../ops/activations'
import { notEqual, where } from '../ops/compare'
import { sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'

/**
 * Softmax cross-entropy that stays finite when some logits are −∞ (masked classes) with a zero label there
 * (optax.safe_softmax_cross_entropy), classes on the last axis: the label-0 terms are dropped before the product, so
 * 0·(−∞) never happens, in the value or in the gradient.
 * ```text
 * ℓ(s, y) = −Σ_{k: yₖ ≠ 0} yₖ·log softmax(s)ₖ
 * ```
 * @returns a tensor of the logits' shape without the last axis.
 * @example
 * import { grad, ops, safeSoftmaxCrossEntropy, tensor } from 'descent-ts'
 * const s = tensor([0, 0, -Infinity], 'float64')
 * const y = tensor([1, 0, 0], 'float64')
 * assert.strictEqual(safeSoftmaxCrossEntropy(s, y).item(), Math.LN2)
 * assert.deepStrictEqual(grad((z: typeof s) => safeSoftmaxCrossEntropy(z, y))(s).toArray(), [-0.5, 0.5, 0])
 * @see softmaxCrossEntropy
 * @category losses
 * @since 0.2.0
 */
export function safeSoftmaxCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor {
  const keep = notEqual(labels, 0)
  return neg(sum(mul(labels, where(keep, logSoftmax(logits, -1), 0)), -1))
}
