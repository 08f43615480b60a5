/**
 * `customVjp`: a function with a user-defined reverse-mode derivative (jax.custom_vjp).
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import { type TensorLike, liftAll } from './tensorLike'
import { bind } from './trace'

/**
 * Defines a function with a custom reverse-mode rule (jax.custom_vjp). Evaluating it runs `f`. Under `vjp` /
 * `grad`, `fwd(...args)` returns `[output, residuals]` and `bwd(residuals, ct)` returns one cotangent per argument
 * (a tensor of the argument's shape, a number broadcast to it, or `null` for zero). As in JAX, forward mode
 * (`jvp`, `jacfwd`, `linearize`) of such a function raises a clear DescentError, while forward-over-reverse
 * (`hessian`, `hvp`, `jvp` of `grad`) differentiates through `fwd` and `bwd`, which are written with ops.
 * Arguments are tensors or numbers; the result is one tensor.
 * ```text
 * vjp(f, x)(u) := bwd(fwd(x)[1], u)
 * ```
 * @returns the function with the custom rule.
 * @example
 * import { customVjp, grad, mul, tensor } from 'descent'
 * // Gradient clipping inside the backward pass: the value is x, the cotangent is clipped to [-1, 1].
 * const clipGrad = customVjp(
 *   (x) => x,
 *   (x) => [x, null] as const,
 *   (_res, ct) => [tensor(Math.max(-1, Math.min(1, ct.item())), ct.dtype)],
 * )
 * assert.strictEqual(grad((x) => mul(clipGrad(x), 5))(2), 1)
 * @see {@link customJvp}
 * @category grad
 * @since 0.1.0
 */
export function customVjp<R>(
  f: (...args: Tensor[]) => Tensor,
  fwd: (...args: Tensor[]) => readonly [Tensor, R],
  bwd: (residuals: R, ct: Tensor) => readonly (Tensor | number | null)[],
  name = f.name || 'anonymous',
): (...args: TensorLike[]) => Tensor {
  const params = { name, f, fwd, bwd: bwd as (res: unknown, ct: Tensor) => readonly (Tensor | number | null)[] }
  return (...args) => bind('customVjpCall', liftAll(...args), params)
}
