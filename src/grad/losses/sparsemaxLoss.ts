import type { Tensor } from '../../core/tensor'
import { add, mul, neg, square } from '../ops/arithmetic'
import { greaterEqual, lessEqual, where } from '../ops/compare'
import { type TensorLike, liftAll } from '../tensorLike'

/**
 * Binary sparsemax loss (optax.sparsemax_loss; Martins & Astudillo 2016), element-wise, for labels in {0, 1}: the
 * sparse-plus function of the signed logit. Its gradient is sparsemax's probability minus the label, exactly 0 once
 * the logit is past the margin.
 * ```text
 * ℓ(x, y) = sparseplus(y ? −x : x),   sparseplus(z) = 0 (z ≤ −1),  (z + 1)²/4 (|z| < 1),  z (z ≥ 1)
 * ```
 * @returns a tensor of the broadcast shape of the inputs.
 * @example
 * import { grad, sparsemaxLoss, tensor } from 'descent-ts'
 * assert.deepStrictEqual(sparsemaxLoss(tensor([2, 0, 0]), tensor([1, 1, 0])).toArray(), [0, 0.25, 0.25])
 * assert.strictEqual(grad((x) => sparsemaxLoss(x, 0))(0), 0.5)
 * @see multiclassSparsemaxLoss
 * @category losses
 * @since 0.2.0
 */
export function sparsemaxLoss(logits: TensorLike, labels: TensorLike): Tensor {
  const [x, y] = liftAll(logits, labels) as [Tensor, Tensor]
  const z = where(y, neg(x), x)
  const middle = mul(square(add(z, 1)), 0.25)
  return where(lessEqual(z, -1), 0, where(greaterEqual(z, 1), z, middle))
}
