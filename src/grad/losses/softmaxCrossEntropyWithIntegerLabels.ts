import { ShapeError } from '../../core/errors'
import { type Tensor, isTensor } from '../../core/tensor'
import { oneHot, reshape, transpose } from '../ops/shape'
import { concrete } from '../trace'
import { type TensorLike, asTensor, normAxis, sameShape, shapeStr } from '../tensorLike'
import { softmaxCrossEntropy } from './softmaxCrossEntropy'

/**
 * Options of {@link softmaxCrossEntropyWithIntegerLabels}.
 * @category losses
 * @since 0.1.0
 */
export interface SoftmaxCrossEntropyWithIntegerLabelsOptions {
  /** The class axis of `logits`. @defaultValue -1 */
  readonly axis?: number
}

/**
 * Cross-entropy between integer class ids and the softmax of `logits`
 * (optax.softmax_cross_entropy_with_integer_labels), one value per example, with no reduction.
 *
 * `labels` (a tensor, a number, or an array / typed array such as an `Int32Array` of a batch's classes) has the
 * shape of `logits` without the class axis and holds integers in `[0, K)`, where K is the size of
 * that axis; anything else is a `ShapeError` (optax would give NaN). Labels are not differentiable. The log-softmax
 * subtracts the maximum first, so logits of ±1e4 in float32 give finite values and gradients.
 * ```text
 * ℓ(z, y) = log Σₖ exp(zₖ) − z_y      ∂ℓ/∂z = softmax(z) − onehot(y)
 * ```
 * @returns a tensor of the shape of `labels`.
 * @example
 * import { grad, softmaxCrossEntropyWithIntegerLabels, tensor } from 'descent'
 * // log(e⁰ + e⁰) − 0 = log 2
 * const l = softmaxCrossEntropyWithIntegerLabels(tensor([[0, 0], [0, 0]], 'float64'), [0, 1])
 * assert.deepStrictEqual(l.toArray(), [Math.LN2, Math.LN2])
 * const g = grad((z) => softmaxCrossEntropyWithIntegerLabels(z, 1))(tensor([0, 0], 'float64'))
 * assert.deepStrictEqual(g.toArray(), [0.5, -0.5])
 * @see softmaxCrossEntropy, oneHot
 * @category losses
 * @since 0.1.0
 */
export function softmaxCrossEntropyWithIntegerLabels(
  logits: TensorLike,
  labels: TensorLike | ArrayLike<number>,
  options: SoftmaxCrossEntropyWithIntegerLabelsOptions = {},
): Tensor {
  const owner = 'softmaxCrossEntropyWithIntegerLabels'
  const z = asTensor(logits)
  const rank = z.shape.length
  if (rank === 0) throw new ShapeError(`${owner}: logits must have a class axis; got a 0-d tensor.`)
  const ax = normAxis(owner, options.axis ?? -1, rank)
  const k = z.shape[ax]!
  const batch = z.shape.filter((_, i) => i !== ax)
  const ids =
    typeof labels === 'number' ? [labels] : isTensor(labels) ? Array.from(concrete(labels).data) : Array.from(labels)
  const idShape = typeof labels === 'number' ? [] : isTensor(labels) ? labels.shape : [ids.length]
  if (!sameShape(idShape, batch)) {
    throw new ShapeError(
      `${owner}: labels shape ${shapeStr(idShape)} must be the logits shape ${shapeStr(z.shape)} ` +
        `without axis ${ax}, i.e. ${shapeStr(batch)}.`,
    )
  }
  const bad = ids.find((v) => !Number.isInteger(v) || v < 0 || v >= k)
  if (bad !== undefined) throw new ShapeError(`${owner}: label ${bad} is not an integer class id in [0, ${k}).`)
  // oneHot puts the classes last; move them to `ax`.
  const last = reshape(oneHot(ids, k, z.dtype), [...batch, k])
  const perm = Array.from({ length: rank - 1 }, (_, i) => i)
  perm.splice(ax, 0, rank - 1)
  const onehot = ax === rank - 1 ? last : transpose(last, perm)
  return softmaxCrossEntropy(z, onehot, { axis: ax })
}
