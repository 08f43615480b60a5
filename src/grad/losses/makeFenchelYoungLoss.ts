import type { Tensor } from '../../core/tensor'
import { mul, sub } from '../ops/arithmetic'
import { sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'

/**
 * Builds the Fenchel–Young loss of a convex "max" function Ω* (optax.make_fenchel_young_loss; Blondel, Martins &
 * Niculae 2020). `maxFun` maps scores `[..., K]` to `[...]`, reducing the last axis (for example
 * `(s) => ops.logsumexp(s, -1)`, which gives the softmax cross-entropy); extra arguments are passed on to it.
 * ```text
 * ℓ(s, y) = Ω*(s) − ⟨y, s⟩        ∂ℓ/∂s = ∇Ω*(s) − y
 * ```
 * @returns the loss `(scores, targets, ...args) => Tensor`, of the scores' shape without the last axis.
 * @example
 * import { makeFenchelYoungLoss, ops, softmaxCrossEntropy, tensor } from 'descent-ts'
 * const fy = makeFenchelYoungLoss((s) => ops.logsumexp(s, -1))
 * const s = tensor([[1, 2, 0.5]], 'float64')
 * const y = tensor([[0, 1, 0]], 'float64')
 * assert.ok(Math.abs(fy(s, y).item() - softmaxCrossEntropy(s, y).item()) < 1e-15)
 * @see multiclassSparsemaxLoss
 * @category losses
 * @since 0.2.0
 */
export function makeFenchelYoungLoss<A extends readonly unknown[]>(
  maxFun: (scores: Tensor, ...args: A) => Tensor,
): (scores: TensorLike, targets: TensorLike, ...args: A) => Tensor {
  return (scores, targets, ...args) => {
    const s = typeof scores === 'number' ? mul(scores, 1) : scores
    return sub(maxFun(s, ...args), sum(mul(targets, s), -1))
  }
}
