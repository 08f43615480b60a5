/**
 * `jacfwd`: the Jacobian by forward mode, one JVP per input element.
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import type { PyTree } from '../core/types'
import { type FlatTree, checkArgnums, clean, flattenArg, leafToTensor, rebuild, zerosFor } from './args'
import { assemble, basis, block, shapeOf, sizeOfLeaf } from './jacobian'
import { jvpFlat } from './jvp'

/**
 * Options of {@link jacfwd} and {@link jacrev}.
 * @category grad
 * @since 0.1.0
 */
export interface JacobianOptions {
  /** The positional argument to differentiate. @defaultValue 0 */
  readonly argnums?: number
}

/** @internal Jacobian by forward mode of `f` w.r.t. argument `argnum`. */
export function jacfwdImpl(owner: string, f: (...args: any[]) => unknown, argnum: number) {
  return (...args: readonly unknown[]): PyTree => {
    const [n] = checkArgnums(owner, argnum, args.length) as [number]
    const inp = flattenArg(args[n], `args[${n}]`)
    const xs = inp.leaves.map(leafToTensor)
    const call = (...ys: Tensor[]): unknown => {
      const a = [...args]
      a[n] = rebuild(inp, ys)
      return f(...a)
    }
    let out: FlatTree | null = null
    // columns[o][i][j]: d out_o / d x_{i,j}
    const columns: Tensor[][][] = []
    inp.leaves.forEach((l, i) => {
      for (let j = 0; j < sizeOfLeaf(l); j++) {
        const ts = inp.leaves.map((m, k) => (k === i ? basis(m, j) : leafToTensor(zerosFor(m))))
        const { rawOut, tangentOf } = jvpFlat(call, xs, ts)
        const o = flattenArg(rawOut, 'output')
        out ??= o
        o.leaves.forEach((ol, q) => {
          const t = typeof ol === 'number' ? leafToTensor(0) : clean(tangentOf(ol) ?? leafToTensor(zerosFor(ol)))
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
 * an output leaf of shape `sₒᵤₜ` the block has shape `sₒᵤₜ ++ sᵢₙ`; for pytrees the result is the output's
 * structure holding trees of the input's structure.
 * ```text
 * J[o, i] = ∂f(x)_o / ∂x_i
 * ```
 * @returns the Jacobian function.
 * @example
 * import { jacfwd, mul, tensor } from 'descent'
 * const J = jacfwd((x) => mul(x, tensor([1, 2])))(tensor([5, 7]))
 * assert.deepStrictEqual(J.toArray(), [[1, 0], [0, 2]])
 * @see {@link jacrev}, {@link hessian}
 * @category grad
 * @since 0.1.0
 */
export function jacfwd<F extends (...args: any[]) => PyTree>(
  f: F,
  options: JacobianOptions = {},
): (...args: Parameters<F>) => any {
  return jacfwdImpl('jacfwd', f, options.argnums ?? 0) as (...args: Parameters<F>) => any
}
