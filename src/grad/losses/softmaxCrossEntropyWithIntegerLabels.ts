import { ShapeError } from '../../core/errors'
import type { Tensor } from '../../core/tensor'
import { mul, sub } from '../ops/arithmetic'
import { where } from '../ops/compare'
import { logsumexp, sum } from '../ops/reduce'
import { broadcastTo, reshape, transpose } from '../ops/shape'
import { type TensorLike, asTensor, normAxis } from '../tensorLike'
import { classOneHot } from './_internal'
import { anyIncluded, excluded, lossMask } from './_where'
import { softmaxCrossEntropy } from './softmaxCrossEntropy'

/**
 * Options of {@link softmaxCrossEntropyWithIntegerLabels}.
 * @category losses
 * @since 0.1.0
 */
export interface SoftmaxCrossEntropyWithIntegerLabelsOptions {
  /**
   * The class axis of `logits`, or several (optax's tuple form): then the classes are the elements of a
   * `logits[axis]` slice and a label is a flat (row-major, in the order of `axis`) index into it. @defaultValue -1
   */
  readonly axis?: number | readonly number[]
  /**
   * Which logits take part (nonzero = yes): a mask of the logits' shape, or of the labels' shape (one flag per
   * example). Excluded classes leave the normaliser log Σ exp z; the label's own logit is always subtracted, as in
   * optax; an example with no class left has loss 0. @defaultValue every logit
   */
  readonly where?: TensorLike
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
 * with where = w:   ℓ = log Σ_{k: wₖ} exp(zₖ) − z_y      (0 when no wₖ)
 * ```
 * @returns a tensor of the shape of `labels`.
 * @example
 * import { grad, softmaxCrossEntropyWithIntegerLabels, tensor } from 'descent-ts'
 * // log(e⁰ + e⁰) − 0 = log 2
 * const l = softmaxCrossEntropyWithIntegerLabels(tensor([[0, 0], [0, 0]], 'float64'), [0, 1])
 * assert.deepStrictEqual(l.toArray(), [Math.LN2, Math.LN2])
 * const g = grad((z) => softmaxCrossEntropyWithIntegerLabels(z, 1))(tensor([0, 0], 'float64'))
 * assert.deepStrictEqual(g.toArray(), [0.5, -0.5])
 * // Without its third class, [0, 0, 5] with label 0 is log 2; a fully masked example gives 0.
 * const w = tensor([[1, 1, 0], [0, 0, 0]])
 * const m = softmaxCrossEntropyWithIntegerLabels(tensor([[0, 0, 5], [1, 2, 3]], 'float64'), [0, 2], { where: w })
 * assert.deepStrictEqual(m.toArray(), [Math.LN2, 0])
 * // Two class axes: label 3 of a 2×2 slice is its element [1, 1]; log(1 + 1 + 1 + e²) − 2
 * const z2 = tensor([[[0, 0], [0, 2]]], 'float64')
 * const l2 = softmaxCrossEntropyWithIntegerLabels(z2, [3], { axis: [1, 2] }).item()
 * assert.ok(Math.abs(l2 - (Math.log(3 + Math.E ** 2) - 2)) < 1e-15)
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
  const z0 = asTensor(logits)
  const rank = z0.shape.length
  if (rank === 0) throw new ShapeError(`${owner}: logits must have a class axis; got a 0-d tensor.`)
  const axis = options.axis ?? -1
  if (typeof axis !== 'number') {
    // optax: the class axes moved last (in the order given) and flattened into one, labels flat indices into them.
    const classAxes = axis.map((a) => normAxis(owner, a, rank))
    if (new Set(classAxes).size !== classAxes.length) {
      throw new ShapeError(`${owner}: options.axis [${axis.join(', ')}] names an axis twice.`)
    }
    const batchAxes = z0.shape.map((_, i) => i).filter((i) => !classAxes.includes(i))
    const perm = [...batchAxes, ...classAxes]
    const k = classAxes.reduce((n, i) => n * z0.shape[i]!, 1)
    const flat = (t: Tensor) => reshape(transpose(t, perm), [...batchAxes.map((i) => z0.shape[i]!), k])
    let w = options.where
    if (w !== undefined) {
      const wt = asTensor(w)
      w = wt.shape.length === rank ? flat(broadcastTo(wt, z0.shape)) : wt
    }
    return softmaxCrossEntropyWithIntegerLabels(
      flat(z0),
      labels,
      w === undefined ? { axis: -1 } : { axis: -1, where: w },
    )
  }
  const z = z0
  const ax = normAxis(owner, axis, rank)
  const onehot = classOneHot(owner, z, labels, ax, 'logits')
  if (options.where === undefined) return softmaxCrossEntropy(z, onehot, { axis: ax })
  const m = lossMask(owner, options.where, z.shape, [ax])
  const loss = sub(logsumexp(excluded(z, m, [ax]), ax), sum(mul(onehot, z), ax))
  return where(anyIncluded(m, [ax]), loss, 0)
}
