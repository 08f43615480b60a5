/**
 * `grad`: the gradient of a scalar function, by reverse mode.
 * @since 0.1.0
 */
import { type AnyFn, type GradOf, type GradOptions, type Scalar, valueAndGradImpl } from './valueAndGrad'

/**
 * The gradient of a scalar-valued function (jax.grad), with respect to the positional argument(s) in `argnums`.
 *
 * `grad(f)` is a function of the same arguments as `f`. It is built on {@link valueAndGrad}, which is built on
 * {@link vjp}; transformations nest freely (`grad(grad(f))`, `jacfwd(grad(f))`, `jvp` of `grad`) without
 * perturbation confusion. Pytrees in, pytrees out; number leaves get number gradients; unused leaves get zeros (or
 * an error listing their paths with `{ reportUnused: true }`); a non-scalar output is a DescentError; a loss that
 * does not depend on the argument at all, and `item()` on a traced value, are 'detachedLoss' errors (JAX returns
 * zeros: pass `{ allowDetached: true }`; see {@link valueAndGrad} for these deviations). With
 * `{ hasAux: true }`, `f` returns `[loss, aux]` and `grad` returns `[grads, aux]`.
 * ```text
 * grad(f)(x) = ∇ₓ f(x)
 * ```
 * @returns the gradient function.
 * @example
 * import { grad, mul, ops, tensor } from 'descent-ts'
 * const cube = (x: number) => mul(mul(x, x), x)
 * assert.strictEqual(grad(cube)(2), 12)
 * assert.strictEqual(grad(grad(cube))(2), 12)
 * const g = grad((w: ReturnType<typeof tensor>, b: number) => ops.sum(mul(w, b)), { argnums: [0, 1] })(tensor([1, 2]), 3)
 * assert.deepStrictEqual(g[0].toArray(), [3, 3])
 * assert.strictEqual(g[1], 3)
 * @see {@link valueAndGrad}, {@link vjp}, {@link jacrev}
 * @category grad
 * @since 0.1.0
 */
export function grad<
  F extends (...args: any[]) => readonly [Scalar, unknown],
  const N extends number | readonly number[] = 0,
>(
  f: F,
  options: GradOptions<N> & { readonly hasAux: true },
): (...args: Parameters<F>) => readonly [GradOf<Parameters<F>, N>, ReturnType<F>[1]]
export function grad<F extends (...args: any[]) => Scalar, const N extends number | readonly number[] = 0>(
  f: F,
  options?: GradOptions<N> & { readonly hasAux?: false },
): (...args: Parameters<F>) => GradOf<Parameters<F>, N>
export function grad(f: AnyFn, options: GradOptions = {}): (...args: readonly unknown[]) => unknown {
  const impl = valueAndGradImpl('grad', f, options)
  return (...args) => {
    const [, grads, aux] = impl(...args)
    return options.hasAux ? [grads, aux] : grads
  }
}
