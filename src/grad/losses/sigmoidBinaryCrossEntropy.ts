import type { Tensor } from '../../core/tensor'
import { add, mul, neg, sub } from '../ops/arithmetic'
import { softplus } from '../ops/activations'
import { type TensorLike, liftAll } from '../tensorLike'

/**
 * Binary cross-entropy between `labels` in [0, 1] and σ(`logits`) (optax.sigmoid_binary_cross_entropy), element-wise
 * with no reduction; `logits` and `labels` broadcast.
 *
 * Written with −log σ(x) = softplus(−x), and softplus is computed as `max(x, 0) + log1p(exp(−|x|))`, so logits of
 * ±1e4 in float32 give finite values and gradients and no `log(0)`. Soft labels are differentiable.
 * ```text
 * ℓ(x, y) = −y·log σ(x) − (1 − y)·log σ(−x) = y·softplus(−x) + (1 − y)·softplus(x)      ∂ℓ/∂x = σ(x) − y
 * ```
 * @returns a tensor of the broadcast shape of `logits` and `labels`.
 * @example
 * import { grad, sigmoidBinaryCrossEntropy, tensor } from 'descent-ts'
 * // σ(0) = ½ whatever the label, so the loss is log 2
 * const l = sigmoidBinaryCrossEntropy(tensor([0, 0], 'float64'), tensor([0, 1]))
 * assert.deepStrictEqual(l.toArray(), [Math.LN2, Math.LN2])
 * assert.deepStrictEqual(sigmoidBinaryCrossEntropy(tensor([1e4, -1e4]), tensor([1, 0])).toArray(), [0, 0])
 * assert.strictEqual(grad((x) => sigmoidBinaryCrossEntropy(x, 1))(0), -0.5)
 * @see softmaxCrossEntropy, softplus
 * @category losses
 * @since 0.1.0
 */
export function sigmoidBinaryCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor {
  // Lift both together, so that a number label takes the logits' dtype before 1 − y is formed.
  const [x, y] = liftAll(logits, labels) as [Tensor, Tensor]
  return add(mul(y, softplus(neg(x))), mul(sub(1, y), softplus(x)))
}
