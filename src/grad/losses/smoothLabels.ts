import type { Tensor } from '../../core/tensor'
import { checkInRange } from '../../core/hyperparams'
import { add, mul } from '../ops/arithmetic'
import { type TensorLike, asTensor, normAxes } from '../tensorLike'

/**
 * Options of {@link smoothLabels}.
 * @category losses
 * @since 0.2.0
 */
export interface SmoothLabelsOptions {
  /** The class axis (or axes); K is the number of elements along them. @defaultValue -1 */
  readonly axis?: number | readonly number[]
}

/**
 * Label smoothing (optax.smooth_labels; Szegedy et al. 2016): mixes one-hot labels with the uniform distribution over
 * the K classes.
 * ```text
 * y′ = (1 − α)·y + α/K
 * ```
 * @returns a tensor of the labels' shape.
 * @throws HyperparameterError when α ∉ [0, 1].
 * @example
 * import { smoothLabels, tensor } from 'descent-ts'
 * const y = smoothLabels(tensor([0, 1, 0, 0], 'float64'), 0.2).toArray() as number[]
 * assert.ok([0.05, 0.85, 0.05, 0.05].every((v, i) => Math.abs(y[i]! - v) < 1e-15))
 * @see softmaxCrossEntropy
 * @category losses
 * @since 0.2.0
 */
export function smoothLabels(labels: TensorLike, alpha: number, options: SmoothLabelsOptions = {}): Tensor {
  const a = checkInRange('smoothLabels', 'alpha', alpha, '[0, 1]')
  const y = asTensor(labels)
  const k = normAxes('smoothLabels', options.axis ?? -1, y.shape.length).reduce((n, ax) => n * y.shape[ax]!, 1)
  return add(mul(y, 1 - a), a / k)
}
