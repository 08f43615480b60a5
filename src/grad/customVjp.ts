/**
 * `customVjp`: a function with a user-defined reverse-mode derivative (jax.custom_vjp).
 * @since 0.1.0
 */
import { StructureError } from '../core/errors'
import type { Tensor } from '../core/tensor'
import {
  type Zeroable,
  alignLeaves,
  checkLeaves,
  checkPair,
  customArgs,
  newSlot,
  packOutput,
  unpackOutput,
} from './rules/custom'
import type { TensorLike } from './tensorLike'
import { bind } from './trace'

/**
 * The cotangents a {@link customVjp} backward rule returns: one per argument, each with that argument's structure
 * and leaf shapes; `null` in place of an argument (or of any subtree) stands for zeros, a number is broadcast.
 * @category grad
 * @since 0.1.0
 */
export type Cotangents<A extends readonly unknown[]> = { readonly [K in keyof A]: Zeroable<A[K]> }

/**
 * Defines a function with a custom reverse-mode rule (jax.custom_vjp). Evaluating it runs `f`. Under `vjp` /
 * `grad`, `fwd(...args)` returns `[output, residuals]` (residuals: anything, typically a pytree of tensors) and
 * `bwd(residuals, ct)` returns one cotangent per argument. As in JAX, forward mode (`jvp`, `jacfwd`) of such a
 * function raises a clear DescentError, while forward-over-reverse (`hessian`, `hvp`, `jvp` of `grad`)
 * differentiates through `fwd` and `bwd`, which are written with ops.
 *
 * Arguments are pytrees of tensors and numbers (numbers are weakly typed and reach `f`, `fwd` as 0-d tensors); the
 * output may be a pytree, and `ct` has its structure. `bwd` returns a tuple with one entry per argument: a pytree
 * of the argument's structure and leaf shapes, or `null` for zeros (also for any subtree); a number is broadcast.
 * A wrong structure or shape is a StructureError or ShapeError naming the path (`cotangents[1].w`).
 * ```text
 * vjp(f, x)(u) := bwd(fwd(x)[1], u)
 * ```
 * @returns the function with the custom rule.
 * @example
 * import { customVjp, grad, mul, ops, tensor, type Tensor } from 'descent-ts'
 * // Gradient clipping inside the backward pass: the value is x, the cotangent is clipped to [-1, 1].
 * const clipGrad = customVjp(
 *   (x) => x,
 *   (x) => [x, null] as const,
 *   (_res, ct) => [tensor(Math.max(-1, Math.min(1, ct.item())), ct.dtype)],
 * )
 * assert.strictEqual(grad((x) => mul(clipGrad(x), 5))(2), 1)
 * // pytrees: f(p, s) = [p.w·s, p.b]; the residuals are an object; s gets no gradient (null)
 * const f = customVjp(
 *   (p: { w: Tensor; b: Tensor }, s: Tensor) => [mul(p.w, s), p.b] as const,
 *   (p, s) => [[mul(p.w, s), p.b] as const, { s }],
 *   (res, [u, v]) => [{ w: mul(u, res.s), b: v }, null],
 * )
 * const g = grad((p: { w: Tensor; b: Tensor }) => {
 *   const [y, b] = f(p, tensor(3))
 *   return ops.sum(mul(y, b))
 * })({ w: tensor([1, 2]), b: tensor([5, 7]) })
 * assert.deepStrictEqual([g.w.toArray(), g.b.toArray()], [[15, 21], [3, 6]])
 * @see {@link customJvp}
 * @category grad
 * @since 0.1.0
 */
export function customVjp<R>(
  f: (...args: Tensor[]) => Tensor,
  fwd: (...args: Tensor[]) => readonly [Tensor, R],
  bwd: (residuals: R, ct: Tensor) => readonly (Tensor | number | null)[],
  name?: string,
): (...args: TensorLike[]) => Tensor
export function customVjp<A extends readonly unknown[], O, R>(
  f: (...args: A) => O,
  fwd: (...args: A) => readonly [O, R],
  bwd: (residuals: R, ct: O) => Cotangents<A>,
  name?: string,
): (...args: A) => O
export function customVjp(
  f: (...args: any[]) => unknown,
  fwd: (...args: any[]) => unknown,
  bwd: (residuals: any, ct: any) => unknown,
  name: string = f.name || 'anonymous',
): (...args: any[]) => unknown {
  const owner = `customVjp '${name}'`
  return (...args) => {
    const ca = customArgs(args)
    const slot = newSlot()
    const call = (...xs: Tensor[]): Tensor => packOutput(slot, name, 'the output of f', f(...ca.args(xs)))
    const fwdFlat = (...xs: Tensor[]): readonly [Tensor, unknown] => {
      const [out, res] = checkPair(owner, 'fwd', 'a pair [output, residuals]', fwd(...ca.args(xs)))
      return [packOutput(slot, name, 'the output of fwd', out), res]
    }
    const bwdFlat = (res: unknown, ct: Tensor): (Tensor | null)[] => {
      const cts = bwd(res, unpackOutput(slot, ct))
      if (!Array.isArray(cts) || cts.length !== args.length) {
        throw new StructureError(
          `${owner}: the backward rule must return one cotangent per argument (${args.length}); ` +
            `got ${Array.isArray(cts) ? cts.length : typeof cts}.`,
        )
      }
      const leaves = alignLeaves(owner, ca.flat.def, cts, 'cotangents')
      return checkLeaves(owner, leaves, ca.xs, ca.flat.paths, 'cotangents', 'args')
    }
    return unpackOutput(slot, bind('customVjpCall', ca.xs, { name, f: call, fwd: fwdFlat, bwd: bwdFlat }))
  }
}
