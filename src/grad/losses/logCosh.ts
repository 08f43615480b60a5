import type { Tensor } from '../../core/tensor'
import { add, mul, neg, square, sub } from '../ops/arithmetic'
import { softplus } from '../ops/activations'
import { less, where } from '../ops/compare'
import { abs, expm1, log1p } from '../ops/unary'
import type { TensorLike } from '../tensorLike'
import { errors } from './_internal'

/**
 * Element-wise log-cosh loss (optax.log_cosh), with no reduction: ≈ ½e² for small errors and ≈ |e| − log 2 for
 * large ones, smooth everywhere, with gradient tanh(e).
 *
 * optax computes `logaddexp(e, −e) − log 2`, which cancels catastrophically for small |e| (log cosh(1e−4) ≈ 5e−9
 * would come out as rounding noise). Here |e| ≥ 1 uses the same form written stably, |e| + softplus(−2|e|) − log 2
 * (finite for e = ±1e4 in float32), and |e| < 1 uses log cosh e = log1p(2·sinh²(e/2)) with
 * sinh h = (expm1(h) − expm1(−h))/2, which is accurate to a few ulps. Each branch only sees inputs from its own
 * range, so derivatives of every order are finite. Without `targets` e = p.
 * ```text
 * ℓ(p, t) = log cosh(p − t)      ∂ℓ/∂p = tanh(p − t)
 * ```
 * @returns a tensor of the predictions' shape.
 * @example
 * import { grad, logCosh, tensor } from 'descent-ts'
 * const l = logCosh(tensor([0, 2, 1e-4], 'float64')).toArray() as number[]
 * assert.strictEqual(l[0], 0)
 * assert.ok(Math.abs(l[1]! - Math.log(Math.cosh(2))) < 1e-15)
 * assert.ok(Math.abs(l[2]! / 5e-9 - 1) < 1e-8) // log cosh e = e²/2 − e⁴/12 + …
 * assert.ok(Math.abs(grad((p) => logCosh(p, 1))(3) - Math.tanh(2)) < 1e-15)
 * @see huberLoss, l2Loss
 * @category losses
 * @since 0.1.0
 */
export function logCosh(predictions: TensorLike, targets?: TensorLike): Tensor {
  const e = errors('logCosh', predictions, targets)
  const small = less(abs(e), 1)
  const h = mul(where(small, e, 0), 0.5)
  const sinh = mul(sub(expm1(h), expm1(neg(h))), 0.5)
  const near = log1p(mul(square(sinh), 2))
  const a = abs(where(small, 1, e))
  const far = sub(add(a, softplus(mul(a, -2))), Math.LN2)
  return where(small, near, far)
}
