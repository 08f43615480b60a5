/**
 * `hvp`: Hessian-vector products without forming the Hessian.
 * @since 0.1.0
 */
import type { PyTree } from '../core/types'
import { grad } from './grad'
import { jvp } from './jvp'
import type { Scalar } from './valueAndGrad'

/**
 * The Hessian-vector product `H·v` of a scalar function, by forward-over-reverse (`jvp` of `grad`): the cost of a
 * few gradient evaluations, never the full Hessian. `primals` and `tangents` hold one pytree per argument; the
 * result has the structure of the first argument when there is one, otherwise one tree per argument.
 * ```text
 * hvp(f, [x], [v]) = ∇²f(x)·v = d/dε ∇f(x + εv) at ε = 0
 * ```
 * @returns `H·v`.
 * @example
 * import { hvp, mul, ops, tensor } from 'descent-ts'
 * // f(x) = Σ x³ → H = diag(6x)
 * const Hv = hvp((x) => ops.sum(mul(mul(x, x), x)), [tensor([1, 2])], [tensor([1, 1])])
 * assert.deepStrictEqual(Hv.toArray(), [6, 12])
 * @see {@link hessian}
 * @category grad
 * @since 0.1.0
 */
export function hvp<F extends (...args: any[]) => Scalar>(
  f: F,
  primals: Parameters<F>,
  tangents: Parameters<F>,
): Parameters<F> extends readonly [infer X] ? X : Parameters<F> {
  const argnums = primals.length === 1 ? 0 : primals.map((_, i) => i)
  const g = grad(f as (...args: any[]) => Scalar, { argnums }) as (...args: any[]) => PyTree
  return jvp(g, primals, tangents)[1] as Parameters<F> extends readonly [infer X] ? X : Parameters<F>
}
