/**
 * Helpers shared by the losses.
 * @internal
 */
import { ShapeError } from '../../core/errors'
import type { Tensor } from '../../core/tensor'
import { sub } from '../ops/arithmetic'
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
