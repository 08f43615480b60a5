/**
 * The result types of {@link jacfwd}, {@link jacrev} and {@link hessian}, computed from the function's types.
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import type { Leaf, PyTree } from '../core/types'

/**
 * `T` with every leaf replaced by `L` (arrays and objects keep their keys). A loosely typed tree (`PyTree`, `any`,
 * `unknown`) gives `PyTree`: its structure is not known before the call.
 * @category grad
 * @since 0.1.0
 */
export type LeavesTo<T, L> = PyTree extends T
  ? PyTree
  : T extends Leaf
    ? L
    : T extends null
      ? null
      : T extends readonly unknown[]
        ? { readonly [K in keyof T]: LeavesTo<T[K], L> }
        : T extends object
          ? { readonly [K in keyof T]: LeavesTo<T[K], L> }
          : PyTree

/**
 * The differentiated input of `F` for `argnums` `A`: one argument, or the tuple of several (JAX's tuple argnums).
 * @category grad
 * @since 0.1.0
 */
export type JacobianInput<F extends (...args: never[]) => unknown, A> = A extends number
  ? Parameters<F>[A]
  : { readonly [K in keyof A]: Parameters<F>[A[K] & number] }

/**
 * The Jacobian of `F` with respect to argument(s) `A`: the output's structure outside, the input's inside, a
 * {@link Tensor} block at each pair of leaves (shape `out ++ in`).
 * @category grad
 * @since 0.1.0
 */
export type Jacobian<F extends (...args: never[]) => unknown, A = 0> = LeavesTo<
  ReturnType<F>,
  LeavesTo<JacobianInput<F, A>, Tensor>
>

/**
 * The Hessian of a scalar `F` with respect to argument(s) `A`: the input's structure outside and inside.
 * @category grad
 * @since 0.1.0
 */
export type Hessian<F extends (...args: never[]) => unknown, A = 0> = LeavesTo<
  LeavesTo<JacobianInput<F, A>, Tensor>,
  LeavesTo<JacobianInput<F, A>, Tensor>
>
