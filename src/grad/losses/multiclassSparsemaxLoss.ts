import type { Tensor } from '../../core/tensor'
import { mul, sub } from '../ops/arithmetic'
import { sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'
import { classOneHot, withClassAxis } from './_internal'
import { sparsemax } from './_sparsemax'

/**
 * Multiclass sparsemax loss (optax.multiclass_sparsemax_loss; Martins & Astudillo 2016), classes on the last axis,
 * integer labels: the Fenchel–Young loss of sparsemax, with p = sparsemax(s) the Euclidean projection of the scores
 * onto the simplex. Its gradient is p − e_y, so it is 0 once the label alone has all the mass.
 * ```text
 * ℓ(s, y) = Σₖ pₖ·(sₖ − s_y) + ½·(1 − ‖p‖²),   p = sparsemax(s)        ∂ℓ/∂s = p − e_y
 * ```
 * @returns a tensor of the scores' shape without the last axis.
 * @example
 * import { grad, multiclassSparsemaxLoss, ops, tensor } from 'descent-ts'
 * // s = (0, 0): p = (½, ½), ℓ = ½·(0 − 0) + ½·(1 − ½) = ¼, gradient p − e₀
 * assert.deepStrictEqual(multiclassSparsemaxLoss(tensor([[0, 0]]), [0]).toArray(), [0.25])
 * const g = grad((s: ReturnType<typeof tensor>) => ops.sum(multiclassSparsemaxLoss(s, [0])))(tensor([[0, 0]]))
 * assert.deepStrictEqual(g.toArray(), [[-0.5, 0.5]])
 * @see sparsemaxLoss, makeFenchelYoungLoss
 * @category losses
 * @since 0.2.0
 */
export function multiclassSparsemaxLoss(scores: TensorLike, labels: TensorLike | ArrayLike<number>): Tensor {
  const s = withClassAxis('multiclassSparsemaxLoss', scores)
  const y = classOneHot('multiclassSparsemaxLoss', s, labels, s.shape.length - 1)
  const p = sparsemax(s)
  const shifted = sub(s, sum(mul(s, y), { axis: -1, keepDims: true }))
  return sub(sum(mul(p, shifted), -1), mul(sub(sum(mul(p, p), -1), 1), 0.5))
}
