import type { Tensor } from '../../core/tensor'
import { checkInRange } from '../../core/hyperparams'
import { add, maximum, pow, sub } from '../ops/arithmetic'
import { sum } from '../ops/reduce'
import type { TensorLike } from '../tensorLike'

/**
 * Options of {@link tripletMarginLoss}.
 * @category losses
 * @since 0.2.0
 */
export interface TripletMarginLossOptions {
  /** The axis of the embeddings. @defaultValue -1 */
  readonly axis?: number
  /** The degree d of the distance (Σ|·|ᵈ + ε)^{1/d}. @defaultValue 2 */
  readonly normDegree?: number
  /** The margin m by which the negative must be farther than the positive. @defaultValue 1 */
  readonly margin?: number
  /** ε added inside the root, so the distance is differentiable at 0. @defaultValue 1e-6 */
  readonly eps?: number
}

/**
 * Triplet margin loss (optax.triplet_margin_loss; Schroff et al. 2015, FaceNet): pushes each anchor nearer to its
 * positive than to its negative by at least the margin.
 * ```text
 * d(a, b) = (Σᵢ (aᵢ − bᵢ)ᵈ + ε)^{1/d}        ℓ = max(d(a, p) − d(a, n) + m, 0)
 * ```
 * (optax raises the difference, not its absolute value, to the power d, so use an even d.)
 * @returns a tensor of the inputs' shape without `axis`.
 * @throws HyperparameterError when `normDegree` ≤ 0 or `eps` < 0.
 * @example
 * import { tensor, tripletMarginLoss } from 'descent-ts'
 * const a = tensor([[0, 0]], 'float64')
 * const l = tripletMarginLoss(a, tensor([[3, 4]], 'float64'), tensor([[0, 1]], 'float64'), { eps: 0 })
 * assert.deepStrictEqual(l.toArray(), [5]) // 5 − 1 + 1
 * @category losses
 * @since 0.2.0
 */
export function tripletMarginLoss(
  anchors: TensorLike,
  positives: TensorLike,
  negatives: TensorLike,
  options: TripletMarginLossOptions = {},
): Tensor {
  const owner = 'tripletMarginLoss'
  const d = checkInRange(owner, 'options.normDegree', options.normDegree ?? 2, '(0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-6, '[0, Infinity)')
  const { axis = -1, margin = 1 } = options
  const distance = (b: TensorLike) => pow(add(sum(pow(sub(anchors, b), d), axis), eps), 1 / d)
  return maximum(add(sub(distance(positives), distance(negatives)), margin), 0)
}
