/**
 * `hessian`: forward-over-reverse second derivatives.
 * @since 0.1.0
 */
import type { PyTree } from '../core/types'
import { type JacobianOptions, jacfwdImpl } from './jacfwd'
import type { Hessian } from './jacobianTypes'
import { jacrev } from './jacrev'

/**
 * The Hessian of a scalar function (jax.hessian), as `jacfwd(jacrev(f, { argnums }), { argnums })`: forward mode
 * over reverse mode. For an argument of shape `s` the result has shape `s ++ s`; for a pytree argument it is nested
 * (the argument's structure outside and inside, as JAX). With an array `argnums` the result is a tuple of tuples:
 * `H[i][j]` holds the second derivatives with respect to arguments `argnums[i]` and `argnums[j]`.
 * ```text
 * H[i, j] = ∂²f / ∂xᵢ∂xⱼ
 * ```
 * @returns the Hessian function.
 * @example
 * import { hessian, mul, ops, tensor } from 'descent-ts'
 * // f(x) = x₀²·x₁ → H = [[2x₁, 2x₀], [2x₀, 0]]
 * const f = (x: ReturnType<typeof tensor>) => ops.sum(mul(mul(ops.take(x, 0), ops.take(x, 0)), ops.take(x, 1)))
 * assert.deepStrictEqual(hessian(f)(tensor([1, 3])).toArray(), [[6, 2], [2, 0]])
 * // g(x, y) = x²·y with argnums [0, 1]: [[2y, 2x], [2x, 0]] as a tuple of tuples
 * const H = hessian((x: number, y: number) => mul(mul(x, x), y), { argnums: [0, 1] })(1, 3)
 * assert.deepStrictEqual(H.map((row) => row.map((h) => h.item())), [[6, 2], [2, 0]])
 * @see {@link hvp}, {@link jacfwd}, {@link jacrev}
 * @category grad
 * @since 0.1.0
 */
export function hessian<F extends (...args: never[]) => PyTree, const A extends number | readonly number[] = 0>(
  f: F,
  options: JacobianOptions<A> = {},
): (...args: Parameters<F>) => Hessian<F, A> {
  const argnums: number | readonly number[] = options.argnums ?? 0
  return jacfwdImpl('hessian', jacrev(f, { argnums }), argnums) as unknown as (...args: Parameters<F>) => Hessian<F, A>
}
