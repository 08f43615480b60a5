/**
 * `jacrev`: the Jacobian by reverse mode, one VJP per output element.
 * @since 0.1.0
 */
import type { Tensor } from '../core/tensor'
import type { PyTree } from '../core/types'
import { clean, flattenArg, leafToTensor, zerosFor } from './args'
import { assemble, basis, block, jacobianInputs, shapeOf, sizeOfLeaf } from './jacobian'
import type { JacobianOptions } from './jacfwd'
import type { Jacobian } from './jacobianTypes'
import { vjpFlat } from './vjp'

/**
 * The Jacobian of `f` by reverse mode (jax.jacrev): one backward pass per element of the output, so it is the cheap
 * direction for "wide" Jacobians (many inputs, few outputs). Block shapes, pytree layout (output structure outside,
 * input structure inside) and `argnums` (a number, or an array for a tuple of Jacobians) as {@link jacfwd}; the
 * result equals jacfwd's.
 * ```text
 * J[o, i] = ∂f(x)_o / ∂x_i
 * ```
 * @returns the Jacobian function.
 * @example
 * import { jacrev, mul, ops, tensor, type Tensor } from 'descent-ts'
 * const J = jacrev((x: Tensor) => mul(x, x))(tensor([1, 2])) // J: Tensor
 * assert.deepStrictEqual(J.toArray(), [[2, 0], [0, 4]])
 * // a pytree argument and argnums [0, 1]: f(p, s) = Σ p.w·s → [{ w: s·1 }, Σ p.w]
 * const f = (p: { w: Tensor }, s: number) => ops.sum(mul(p.w, s))
 * const [Jp, Js] = jacrev(f, { argnums: [0, 1] })({ w: tensor([1, 2]) }, 3)
 * assert.deepStrictEqual(Jp.w.toArray(), [3, 3])
 * assert.strictEqual(Js.item(), 3)
 * @see {@link jacfwd}, {@link grad}
 * @category grad
 * @since 0.1.0
 */
export function jacrev<F extends (...args: never[]) => PyTree, const A extends number | readonly number[] = 0>(
  f: F,
  options: JacobianOptions<A> = {},
): (...args: Parameters<F>) => Jacobian<F, A> {
  const argnums: number | readonly number[] = options.argnums ?? 0
  return ((...args: readonly unknown[]): PyTree => {
    const { inp, withLeaves } = jacobianInputs('jacrev', argnums, args)
    const xs = inp.leaves.map(leafToTensor)
    const call = f as unknown as (...a: unknown[]) => PyTree // the arguments are rebuilt from the leaves
    const pb = vjpFlat((...ys: Tensor[]) => call(...withLeaves(ys)), xs)
    const out = flattenArg(pb.rawOut, 'output')
    const blocks = out.leaves.map((ol) => {
      const rows: Tensor[][] = inp.leaves.map(() => [])
      if (typeof ol !== 'number') {
        for (let j = 0; j < sizeOfLeaf(ol); j++) {
          const cts = pb.pullback([ol], [basis(ol, j)])
          inp.leaves.forEach((l, i) => rows[i]!.push(clean(cts[i] ?? zerosFor(l))))
        }
      }
      return inp.leaves.map((l, i) =>
        typeof ol === 'number' ? zerosFor(l) : block(rows[i]!, shapeOf(ol), shapeOf(l), true),
      )
    })
    return assemble(out, inp, blocks)
  }) as unknown as (...args: Parameters<F>) => Jacobian<F, A>
}
