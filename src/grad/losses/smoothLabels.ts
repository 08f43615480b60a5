import type { Tensor } from '../../core/tensor'
import { checkInRange } from '../../core/hyperparams'
import { ShapeError } from '../../core/errors'
import { add, div, mul } from '../ops/arithmetic'
import { sum } from '../ops/reduce'
import { cast } from '../ops/shape'
import { concrete } from '../trace'
import { type TensorLike, asTensor, normAxes } from '../tensorLike'
import { lossMask } from './_where'

/**
 * Options of {@link smoothLabels}.
 * @category losses
 * @since 0.2.0
 */
export interface SmoothLabelsOptions {
  /** The class axis (or axes); K is the number of elements along them. @defaultValue -1 */
  readonly axis?: number | readonly number[]
  /**
   * Which classes count (nonzero = yes), a mask that broadcasts to the labels: K becomes the number of included
   * classes of each slice (optax's `where`; α/K is still added to every entry, as there). A slice with no class
   * included is a ShapeError (optax divides by 0). @defaultValue every class
   */
  readonly where?: TensorLike
}

/**
 * Label smoothing (optax.smooth_labels; Szegedy et al. 2016): mixes one-hot labels with the uniform distribution over
 * the K classes.
 * ```text
 * y′ = (1 − α)·y + α/K      (K = Σₖ wₖ ≠ 0 per slice given where = w)
 * ```
 * @returns a tensor of the labels' shape.
 * @throws HyperparameterError when α ∉ [0, 1].
 * @example
 * import { smoothLabels, tensor } from 'descent-ts'
 * const y = smoothLabels(tensor([0, 1, 0, 0], 'float64'), 0.2).toArray() as number[]
 * assert.ok([0.05, 0.85, 0.05, 0.05].every((v, i) => Math.abs(y[i]! - v) < 1e-15))
 * // Two classes counted: α/K = 0.1
 * const w = tensor([1, 1, 0, 0])
 * const z = smoothLabels(tensor([0, 1, 0, 0], 'float64'), 0.2, { where: w }).toArray() as number[]
 * assert.ok([0.1, 0.9, 0.1, 0.1].every((v, i) => Math.abs(z[i]! - v) < 1e-15))
 * @see softmaxCrossEntropy
 * @category losses
 * @since 0.2.0
 */
export function smoothLabels(labels: TensorLike, alpha: number, options: SmoothLabelsOptions = {}): Tensor {
  const a = checkInRange('smoothLabels', 'alpha', alpha, '[0, 1]')
  const y = asTensor(labels)
  const axes = normAxes('smoothLabels', options.axis ?? -1, y.shape.length)
  if (options.where === undefined) return add(mul(y, 1 - a), a / axes.reduce((n, ax) => n * y.shape[ax]!, 1))
  const k = cast(sum(lossMask('smoothLabels', options.where, y.shape, axes), { axis: axes, keepDims: true }), y.dtype)
  if (concrete(k).data.some((v) => v === 0)) {
    throw new ShapeError(
      'smoothLabels: options.where includes no class of some slice, so α/K would divide by 0; include at least one class per slice.',
    )
  }
  return add(mul(y, 1 - a), div(a, k))
}
