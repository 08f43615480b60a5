/**
 * `customJvp`: a function with a user-defined forward-mode derivative (jax.custom_jvp).
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import { type Zeroable, checkPair, customArgs, newSlot, packOutput, packTangent, unpackOutput } from './rules/custom'
import { zerosOf } from './rules/elementwise'
import type { TensorLike } from './tensorLike'
import { bind } from './trace'
import { vjpFlat } from './vjp'

/**
 * The JVP rule of a {@link customJvp} function: from the primal arguments and their tangents (same structures;
 * zeros for arguments that are not differentiated), the primal output and its tangent (same structure as the
 * output; `null` in place of a subtree stands for zeros, a number is broadcast). The tangent must be linear in
 * `tangents`. `A` is the tuple of argument types, `R` the output type.
 * @category grad
 * @since 0.1.0
 */
export type JvpRule<A extends readonly unknown[] = readonly Tensor[], R = Tensor> = (
  primals: A,
  tangents: A,
) => readonly [R, Zeroable<R>]

/**
 * Defines a function with a custom derivative rule (jax.custom_jvp). Evaluating it runs `f`; forward mode uses
 * `jvpRule`; reverse mode transposes the rule's (linear) tangent map, so `grad`, `vjp` and higher orders all use
 * it. The rule is written with ops, so it is itself differentiable.
 *
 * Arguments are pytrees of tensors and numbers (numbers are weakly typed: they take the dtype of the tensors among
 * the arguments and reach `f` and the rule as 0-d tensors); the output may be a pytree. The rule receives
 * `(primals, tangents)`, both the tuple of arguments, and returns `[primalOut, tangentOut]` with the output's
 * structure and leaf shapes; a mismatch is a StructureError or ShapeError naming the path (`tangentOut.b[1]`).
 * ```text
 * jvp(f, x, v) := jvpRule([x], [v])      vjp(f, x)(u) := transpose(v ↦ jvpRule([x], [v])[1])(u)
 * ```
 * @returns the function with the custom rule.
 * @example
 * import { add, customJvp, exp, grad, jvp, log, mul, sigmoid, tensor, type Tensor } from 'descent-ts'
 * // log(1 + eˣ): the naive derivative eˣ/(1 + eˣ) is inf/inf = NaN at x = 1000
 * const log1pexp = customJvp(
 *   (x) => log(add(1, exp(x))),
 *   ([x], [t]) => [log(add(1, exp(x!))), mul(t!, sigmoid(x!))],
 * )
 * assert.strictEqual(grad((x) => log1pexp(x))(1000), 1)
 * // pytrees: an object argument and a pair output
 * const f = customJvp(
 *   (p: { a: Tensor; b: Tensor }) => [mul(p.a, p.b), p.a] as const,
 *   ([p], [t]) =>
 *     [
 *       [mul(p.a, p.b), p.a],
 *       [add(mul(t.a, p.b), mul(p.a, t.b)), t.a],
 *     ] as const,
 * )
 * const [, [dy, da]] = jvp(f, [{ a: tensor(2), b: tensor(3) }], [{ a: tensor(1), b: tensor(0) }])
 * assert.deepStrictEqual([dy.item(), da.item()], [3, 1])
 * @see {@link customVjp}
 * @category grad
 * @since 0.1.0
 */
export function customJvp(
  f: (...args: Tensor[]) => Tensor,
  jvpRule: JvpRule,
  name?: string,
): (...args: TensorLike[]) => Tensor
export function customJvp<A extends readonly unknown[], R>(
  f: (...args: A) => R,
  jvpRule: JvpRule<A, R>,
  name?: string,
): (...args: A) => R
export function customJvp(
  f: (...args: any[]) => unknown,
  jvpRule: (primals: any, tangents: any) => unknown,
  name: string = f.name || 'anonymous',
): (...args: any[]) => unknown {
  const owner = `customJvp '${name}'`
  return (...args) => {
    const ca = customArgs(args)
    const slot = newSlot()
    const call = (...xs: Tensor[]): Tensor => packOutput(slot, name, 'the output of f', f(...ca.args(xs)))
    const jvp = (xs: readonly Tensor[], ts: readonly Tensor[]): readonly [Tensor, Tensor] => {
      const [po, to] = checkPair(
        owner,
        'the JVP rule',
        'a pair [primalOut, tangentOut]',
        jvpRule(ca.args(xs), ca.args(ts)),
      )
      return [packOutput(slot, name, 'the primal output of the JVP rule', po), packTangent(slot, name, to)]
    }
    const transpose = (primals: readonly Tensor[], ct: Tensor): (Tensor | null)[] => {
      const pb = vjpFlat((...ts: Tensor[]) => jvp(primals, ts)[1], primals.map(zerosOf))
      return pb.pullback([pb.rawOut], [ct])
    }
    return unpackOutput(slot, bind('customJvpCall', ca.xs, { name, f: call, jvp, transpose }))
  }
}
