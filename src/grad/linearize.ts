/**
 * `linearize`: the value of a function and its JVP as a function of the tangent.
 * @since 0.1.0
 */
import type { PyTree } from '../core/types'
import { jvp } from './jvp'

/**
 * Evaluates `f` at the primals and returns its linearisation there (jax.linearize): a function from tangents (one
 * pytree per argument) to the output tangent `J·v`. This implementation re-runs forward mode at each call (JAX
 * partially evaluates once instead); results are the same.
 * ```text
 * linearize(f, x) = (f(x), v ↦ J_f(x)·v)
 * ```
 * @returns `[f(...primals), jvpFn]`.
 * @example
 * import { linearize, mul, tensor } from 'descent'
 * const [y, lin] = linearize((x) => mul(x, x), tensor([3]))
 * assert.deepStrictEqual(y.toArray(), [9])
 * assert.deepStrictEqual(lin(tensor([2])).toArray(), [12])
 * @see {@link jvp}
 * @category grad
 * @since 0.1.0
 */
export function linearize<F extends (...args: any[]) => PyTree>(
  f: F,
  ...primals: Parameters<F>
): readonly [ReturnType<F>, (...tangents: Parameters<F>) => ReturnType<F>] {
  const [out] = jvp(f, primals, primals)
  return [out, (...tangents: Parameters<F>) => jvp(f, primals, tangents)[1]]
}
