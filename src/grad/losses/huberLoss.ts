import type { Tensor } from '../../core/tensor'
import { checkInRange } from '../../core/hyperparams'
import { add, minimum, mul, square, sub } from '../ops/arithmetic'
import { abs } from '../ops/unary'
import type { TensorLike } from '../tensorLike'
import { errors } from './_internal'

/**
 * Options of {@link huberLoss}.
 * @category losses
 * @since 0.1.0
 */
export interface HuberLossOptions {
  /** δ > 0, where the loss turns from quadratic to linear. @defaultValue 1 */
  readonly delta?: number
}

/**
 * Element-wise Huber loss (optax.huber_loss), with no reduction: quadratic for errors up to δ, linear beyond, so
 * outliers pull with a bounded force.
 *
 * Written as optax does, with q = min(|e|, δ). Its gradient is the error clipped to [−δ, δ]; at e = 0 it is 0
 * (abs'(0) = 0) and at |e| = δ both sides agree (the tie in `minimum` splits evenly). Without `targets` e = p.
 * ```text
 * e = p − t,  q = min(|e|, δ)      ℓ = ½·q² + δ·(|e| − q)      ∂ℓ/∂p = clip(e, −δ, δ)
 * ```
 * @returns a tensor of the predictions' shape.
 * @throws HyperparameterError when δ is not positive.
 * @example
 * import { grad, huberLoss, tensor } from 'descent-ts'
 * // |e| = 0.5 ≤ 1: ½·0.25;  |e| = 3 > 1: ½ + (3 − 1)
 * assert.deepStrictEqual(huberLoss(tensor([0.5, -3]), tensor([0, 0])).toArray(), [0.125, 2.5])
 * assert.strictEqual(grad((p) => huberLoss(p, 0, { delta: 2 }))(-5), -2)
 * @see l2Loss, logCosh
 * @category losses
 * @since 0.1.0
 */
export function huberLoss(predictions: TensorLike, targets?: TensorLike, options: HuberLossOptions = {}): Tensor {
  const delta = checkInRange('huberLoss', 'options.delta', options.delta ?? 1, '(0, Infinity)')
  const a = abs(errors('huberLoss', predictions, targets))
  const q = minimum(a, delta)
  return add(mul(square(q), 0.5), mul(sub(a, q), delta))
}
