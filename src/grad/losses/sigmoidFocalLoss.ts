import type { Tensor } from '../../core/tensor'
import { checkInRange } from '../../core/hyperparams'
import { add, mul, neg, sub } from '../ops/arithmetic'
import { softplus } from '../ops/activations'
import { greaterEqual, where } from '../ops/compare'
import { exp, log, log1p } from '../ops/unary'
import { type TensorLike, liftAll } from '../tensorLike'
import { sigmoidBinaryCrossEntropy } from './sigmoidBinaryCrossEntropy'

/**
 * Options of {@link sigmoidFocalLoss}.
 * @category losses
 * @since 0.2.0
 */
export interface SigmoidFocalLossOptions {
  /** Weight α ∈ [0, 1] of the positive class (1 − α for the negative); absent: no weighting. @defaultValue undefined */
  readonly alpha?: number
  /** Focusing exponent γ ≥ 0 of (1 − p_t); γ = 0 is the cross-entropy. @defaultValue 2 */
  readonly gamma?: number
}

/**
 * Sigmoid focal loss (optax.sigmoid_focal_loss; Lin et al. 2017, arXiv 1708.02002), element-wise, for labels
 * in [0, 1]: the binary cross-entropy scaled down on examples that are already well classified.
 *
 * As optax, log(1 − p_t) is computed in log space (splitting on y ≥ ½), so small γ and extreme logits stay finite.
 * ```text
 * p = σ(x),  p_t = y·p + (1 − y)·(1 − p),  α_t = α·y + (1 − α)·(1 − y)
 * FL = α_t·(1 − p_t)^γ·BCE(x, y)
 * ```
 * @returns a tensor of the broadcast shape of the inputs.
 * @throws HyperparameterError when γ < 0 or α ∉ [0, 1].
 * @example
 * import { sigmoidFocalLoss, tensor } from 'descent-ts'
 * // x = 0: p_t = ½, so FL = (½)²·log 2 (and α_t = ¼ for a positive with α = ¼)
 * const l = sigmoidFocalLoss(tensor([0], 'float64'), tensor([1], 'float64'), { alpha: 0.25 }).item()
 * assert.ok(Math.abs(l - 0.25 * 0.25 * Math.LN2) < 1e-15)
 * @see sigmoidBinaryCrossEntropy
 * @category losses
 * @since 0.2.0
 */
export function sigmoidFocalLoss(
  logits: TensorLike,
  labels: TensorLike,
  options: SigmoidFocalLossOptions = {},
): Tensor {
  const gamma = checkInRange('sigmoidFocalLoss', 'options.gamma', options.gamma ?? 2, '[0, Infinity)')
  const alpha =
    options.alpha === undefined ? undefined : checkInRange('sigmoidFocalLoss', 'options.alpha', options.alpha, '[0, 1]')
  const [x, y] = liftAll(logits, labels) as [Tensor, Tensor]
  const ce = sigmoidBinaryCrossEntropy(x, y)
  const positive = greaterEqual(y, 0.5)
  const yp = where(positive, y, sub(1, y))
  const xp = where(positive, neg(x), x)
  const logYp = log(yp)
  // log(1 − p_t) = log σ(x′) + log y′ + softplus(−x′ + log(1 − y′) − log y′)
  const logOneMinusPt = add(add(neg(softplus(neg(xp))), logYp), softplus(sub(add(neg(xp), log1p(neg(yp))), logYp)))
  const loss = mul(ce, exp(mul(logOneMinusPt, gamma)))
  if (alpha === undefined) return loss
  return mul(add(mul(y, alpha), mul(sub(1, y), 1 - alpha)), loss)
}
