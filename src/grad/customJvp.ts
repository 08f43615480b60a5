/**
 * `customJvp`: a function with a user-defined forward-mode derivative (jax.custom_jvp).
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import { zerosOf } from './rules/elementwise'
import { type TensorLike, liftAll } from './tensorLike'
import { bind } from './trace'
import { vjpFlat } from './vjp'

/**
 * The JVP rule of a {@link customJvp} function: from the primal arguments and their tangents (zeros for arguments
 * that are not differentiated), the primal output and its tangent. The tangent must be linear in `tangents`.
 * @category grad
 * @since 0.1.0
 */
export type JvpRule = (primals: readonly Tensor[], tangents: readonly Tensor[]) => readonly [Tensor, Tensor]

/**
 * Defines a function with a custom derivative rule (jax.custom_jvp). Evaluating it runs `f`; forward mode uses
 * `jvpRule`; reverse mode transposes the rule's (linear) tangent map, so `grad`, `vjp` and higher orders all use
 * it. The rule is written with ops, so it is itself differentiable. Arguments are tensors or numbers; the result
 * is one tensor.
 * ```text
 * jvp(f, x, v) := jvpRule([x], [v])      vjp(f, x)(u) := transpose(v ↦ jvpRule([x], [v])[1])(u)
 * ```
 * @returns the function with the custom rule.
 * @example
 * import { add, customJvp, exp, grad, log, mul, sigmoid, tensor } from 'descent'
 * // log(1 + eˣ): the naive derivative eˣ/(1 + eˣ) is inf/inf = NaN at x = 1000
 * const log1pexp = customJvp(
 *   (x) => log(add(1, exp(x))),
 *   ([x], [t]) => [log(add(1, exp(x!))), mul(t!, sigmoid(x!))],
 * )
 * assert.strictEqual(grad((x) => log1pexp(x))(1000), 1)
 * @see {@link customVjp}
 * @category grad
 * @since 0.1.0
 */
export function customJvp(
  f: (...args: Tensor[]) => Tensor,
  jvpRule: JvpRule,
  name = f.name || 'anonymous',
): (...args: TensorLike[]) => Tensor {
  const transpose = (primals: readonly Tensor[], ct: Tensor): (Tensor | null)[] => {
    const pb = vjpFlat((...ts: Tensor[]) => jvpRule(primals, ts)[1], primals.map(zerosOf))
    return pb.pullback([pb.rawOut], [ct])
  }
  const params = { name, f, jvp: jvpRule, transpose }
  return (...args) => bind('customJvpCall', liftAll(...args), params)
}
