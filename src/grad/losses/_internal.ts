/**
 * Helpers shared by the losses.
 * @internal
 */
import { ShapeError } from '../../core/errors'
import { type Tensor, isTensor } from '../../core/tensor'
import { sub } from '../ops/arithmetic'
import { oneHot, reshape, transpose } from '../ops/shape'
import { concrete } from '../trace'
import { type TensorLike, asTensor, sameShape, shapeStr } from '../tensorLike'

/**
 * `predictions − targets` (or `predictions` when there are no targets, as optax's `targets=None`). Two tensors must
 * have the same shape, as optax's `chex.assert_equal_shape`; a number target is a scalar.
 */
export function errors(owner: string, predictions: TensorLike, targets: TensorLike | undefined): Tensor {
  if (targets === undefined) return asTensor(predictions)
  if (typeof predictions !== 'number' && typeof targets !== 'number') {
    const [p, t] = [predictions.shape, targets.shape]
    if (!sameShape(p, t)) {
      throw new ShapeError(
        `${owner}: predictions shape ${shapeStr(p)} vs targets ${shapeStr(t)}; losses do not ` +
          'broadcast, pass tensors of the same shape (reshape or broadcastTo first).',
      )
    }
  }
  return sub(predictions, targets)
}

/** The integer class ids in `labels` (a number, a tensor or an array), with the shape they came in. */
export function integerIds(labels: TensorLike | ArrayLike<number>): { ids: number[]; shape: number[] } {
  if (typeof labels === 'number') return { ids: [labels], shape: [] }
  if (isTensor(labels)) return { ids: Array.from(concrete(labels).data), shape: [...labels.shape] }
  return { ids: Array.from(labels), shape: [labels.length] }
}

/**
 * The one-hot encoding, in the dtype of `scores` and with their shape, of integer `labels` whose shape is that of
 * `scores` without its class axis `ax` (a ShapeError otherwise, or for an id outside [0, K)).
 */
export function classOneHot(
  owner: string,
  scores: Tensor,
  labels: TensorLike | ArrayLike<number>,
  ax: number,
  scoresName = 'scores',
): Tensor {
  const rank = scores.shape.length
  const k = scores.shape[ax]!
  const batch = scores.shape.filter((_, i) => i !== ax)
  const { ids, shape } = integerIds(labels)
  if (!sameShape(shape, batch)) {
    throw new ShapeError(
      `${owner}: labels shape ${shapeStr(shape)} must be the ${scoresName} shape ${shapeStr(scores.shape)} ` +
        `without axis ${ax}, i.e. ${shapeStr(batch)}.`,
    )
  }
  const bad = ids.find((v) => !Number.isInteger(v) || v < 0 || v >= k)
  if (bad !== undefined) throw new ShapeError(`${owner}: label ${bad} is not an integer class id in [0, ${k}).`)
  // oneHot puts the classes last; move them to `ax`.
  const last = reshape(oneHot(ids, k, scores.dtype), [...batch, k])
  if (ax === rank - 1) return last
  const perm = Array.from({ length: rank - 1 }, (_, i) => i)
  perm.splice(ax, 0, rank - 1)
  return transpose(last, perm)
}

/** `scores` as a tensor with a class axis (rank ≥ 1), or a ShapeError naming `owner`. */
export function withClassAxis(owner: string, scores: TensorLike): Tensor {
  const z = asTensor(scores)
  if (z.shape.length === 0) throw new ShapeError(`${owner}: scores must have a class axis; got a 0-d tensor.`)
  return z
}
