/**
 * `jacfwd`: the Jacobian by forward mode, one JVP per input element.
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import type { PyTree } from '../core/types'
import type { Jacobian } from './jacobianTypes'
import { type FlatTree, clean, flattenArg, leafToTensor, zerosFor } from './args'
import { assemble, basis, block, jacobianInputs, shapeOf, sizeOfLeaf } from './jacobian'
import { jvpFlat } from './jvp'

/**
 * Options of {@link jacfwd} and {@link jacrev}.
 * @category grad
 * @since 0.1.0
 */
export interface JacobianOptions<A extends number | readonly number[] = number | readonly number[]> {
  /**
   * The positional argument(s) to differentiate. An array gives, for each output leaf, a tuple of Jacobians (one
   * per listed argument), as JAX's tuple `argnums`. @defaultValue 0
   */
  readonly argnums?: A
}

/** @internal Jacobian by forward mode of `f` w.r.t. the argument(s) `argnums`. */
export function jacfwdImpl(owner: string, f: (...args: any[]) => unknown, argnums: number | readonly number[]) {
  return (...args: readonly unknown[]): PyTree => {
    const { inp, withLeaves } = jacobianInputs(owner, argnums, args)
    const xs = inp.leaves.map(leafToTensor)
    const call = (...ys: Tensor[]): unknown => f(...withLeaves(ys))
    let out: FlatTree | null = null
    // columns[o][i][j]: d out_o / d x_{i,j}
    const columns: Tensor[][][] = []
    inp.leaves.forEach((l, i) => {
      for (let j = 0; j < sizeOfLeaf(l); j++) {
        const ts = inp.leaves.map((m, k) => (k === i ? basis(m, j) : zerosFor(m)))
        const { rawOut, tangentOf } = jvpFlat(call, xs, ts)
        const o = flattenArg(rawOut, 'output')
        out ??= o
        o.leaves.forEach((ol, q) => {
          const t = typeof ol === 'number' ? leafToTensor(0) : clean(tangentOf(ol) ?? zerosFor(ol))
          ;((columns[q] ??= [])[i] ??= []).push(t)
        })
      }
    })
    if (out === null) out = flattenArg(f(...args), 'output')
    const o = out as FlatTree
    const blocks = o.leaves.map((ol, q) =>
      inp.leaves.map((l, i) => block(columns[q]?.[i] ?? [], shapeOf(l), shapeOf(ol), false)),
    )
    return assemble(o, inp, blocks)
  }
}

/**
 * The Jacobian of `f` by forward mode (jax.jacfwd): one {@link jvp} per element of the differentiated argument, so
 * it is the cheap direction for "tall" Jacobians (few inputs, many outputs). For an input leaf of shape `sᵢₙ` and
 * an output leaf of shape `sₒᵤₜ` the block has shape `sₒᵤₜ ++ sᵢₙ`. For pytrees the result is nested as in JAX:
 * the output's structure outside, the input's structure inside. `argnums` picks the argument (default 0); an array
 * of argument indices makes the input structure the tuple of those arguments, so each output leaf holds a tuple of
 * Jacobians. Number leaves are differentiated as float64 scalars.
 * ```text
 * J[o, i] = ∂f(x)_o / ∂x_i
 * ```
 * @returns the Jacobian function.
 * @example
 * import { jacfwd, mul, tensor, type Tensor } from 'descent-ts'
 * const J = jacfwd((x: Tensor) => mul(x, tensor([1, 2])))(tensor([5, 7])) // J: Tensor
 * assert.deepStrictEqual(J.toArray(), [[1, 0], [0, 2]])
 * // f(x, y) = { p: x·y, q: x } with argnums [0, 1]: J.p = [∂p/∂x, ∂p/∂y] = [diag(y), diag(x)], J.q = [I, 0]
 * const f = (x: Tensor, y: Tensor) => ({ p: mul(x, y), q: x })
 * const J2 = jacfwd(f, { argnums: [0, 1] })(tensor([1, 2]), tensor([3, 4])) // { p: [Tensor, Tensor], q: [...] }
 * assert.deepStrictEqual(J2.p[0].toArray(), [[3, 0], [0, 4]])
 * assert.deepStrictEqual(J2.p[1].toArray(), [[1, 0], [0, 2]])
 * assert.deepStrictEqual(J2.q[1].toArray(), [[0, 0], [0, 0]])
 * @see {@link jacrev}, {@link hessian}
 * @category grad
 * @since 0.1.0
 */
export function jacfwd<F extends (...args: never[]) => PyTree, const A extends number | readonly number[] = 0>(
  f: F,
  options: JacobianOptions<A> = {},
): (...args: Parameters<F>) => Jacobian<F, A> {
  return jacfwdImpl('jacfwd', f, options.argnums ?? 0) as unknown as (...args: Parameters<F>) => Jacobian<F, A>
}
