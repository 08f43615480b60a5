import type { Tensor } from '../../core/tensor'
import { checkInRange } from '../../core/hyperparams'
import { div, maximum, mul, square, sub } from '../ops/arithmetic'
import { sum } from '../ops/reduce'
import { where } from '../ops/compare'
import { sqrt } from '../ops/unary'
import { type TensorLike, asTensor, broadcastOrThrow, normAxes } from '../tensorLike'
import { lossMask, maskedSum } from './_where'

/**
 * Options of {@link cosineSimilarity} and {@link cosineDistance}.
 * @category losses
 * @since 0.2.0
 */
export interface CosineSimilarityOptions {
  /** Lower bound ε on the squared norms, which keeps a zero vector finite (its similarity is 0). @defaultValue 0 */
  readonly epsilon?: number
  /** The axis (or axes) of the vectors. @defaultValue -1 */
  readonly axis?: number | readonly number[]
  /**
   * Which entries take part (nonzero = yes), a mask that broadcasts to the inputs (or has their shape without `axis`):
   * excluded entries leave the norms and the sum; a fully masked pair gives 0 (optax's `where`). @defaultValue every
   * entry
   */
  readonly where?: TensorLike
}

/**
 * Cosine similarity of `predictions` and `targets` along `axis` (optax.cosine_similarity).
 * ```text
 * cos(a, b) = Σᵢ (aᵢ/‖a‖)(bᵢ/‖b‖),   ‖a‖ = √max(Σ aᵢ², ε)      (with where = w: every Σ over the i with wᵢ ≠ 0)
 * ```
 * @returns a tensor of the inputs' shape without `axis`.
 * @throws HyperparameterError when `epsilon` is negative.
 * @example
 * import { cosineSimilarity, tensor } from 'descent-ts'
 * const s = cosineSimilarity(tensor([[1, 0], [1, 1]], 'float64'), tensor([[0, 2], [2, 2]], 'float64'))
 * const [a, b] = s.toArray() as number[]
 * assert.ok(a === 0 && Math.abs(b! - 1) < 1e-15)
 * @see cosineDistance
 * @category losses
 * @since 0.2.0
 */
export function cosineSimilarity(
  predictions: TensorLike,
  targets: TensorLike,
  options: CosineSimilarityOptions = {},
): Tensor {
  const eps = checkInRange('cosineSimilarity', 'options.epsilon', options.epsilon ?? 0, '[0, Infinity)')
  const axis = options.axis ?? -1
  const norm = (x: TensorLike) => sqrt(maximum(sum(square(x), { axis, keepDims: true }), eps))
  if (options.where === undefined) {
    return sum(mul(div(predictions, norm(predictions)), div(targets, norm(targets))), axis)
  }
  const [a, b] = [asTensor(predictions), asTensor(targets)]
  const shape = broadcastOrThrow('cosineSimilarity', a.shape, b.shape)
  const axes = normAxes('cosineSimilarity', axis, shape.length)
  const m = lossMask('cosineSimilarity', options.where, shape, axes)
  const [am, bm] = [where(m, a, 0), where(m, b, 0)]
  return maskedSum(mul(div(am, norm(am)), div(bm, norm(bm))), m, axes)
}

/**
 * Cosine distance, 1 − {@link cosineSimilarity} (optax.cosine_distance): 0 for vectors pointing the same way, 2 for
 * opposite ones.
 * ```text
 * d(a, b) = 1 − cos(a, b)
 * ```
 * @returns a tensor of the inputs' shape without `axis`.
 * @example
 * import { cosineDistance, tensor } from 'descent-ts'
 * assert.strictEqual(cosineDistance(tensor([1, 0]), tensor([-3, 0])).item(), 2)
 * @see cosineSimilarity
 * @category losses
 * @since 0.2.0
 */
export const cosineDistance = (
  predictions: TensorLike,
  targets: TensorLike,
  options: CosineSimilarityOptions = {},
): Tensor => sub(1, cosineSimilarity(predictions, targets, options))
