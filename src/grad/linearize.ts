/**
 * `linearize`: the value of a function and its JVP as a function of the tangent.
 * @since 0.1.0
 */
import { StructureError } from '../core/errors'
import type { Tensor } from '../core/tensor'
import type { Leaf, PyTree } from '../core/types'
import { clean, flattenArg, leafToTensor, matchTree, rebuild, rebuildEach, zerosFor } from './args'
import { cast } from './ops/shape'
import { type Pullback, vjpFlat } from './vjp'

/**
 * Evaluates `f` once at the primals and returns its value with its linearisation there (jax.linearize): a function
 * from tangents (one pytree per argument, the primals' structures and shapes) to the output tangent `J·v`.
 *
 * How: `f` runs once, recorded for reverse mode (as {@link vjp}); the pullback `u ↦ Jᵀu` it gives is linear and
 * written with ops, so it is recorded once more, on the first call of `jvpFn`, and `jvpFn` applies the transpose
 * of that record: `(Jᵀ)ᵀ·v = J·v`. `f` is never re-run and no primal value is recomputed; each call of `jvpFn` costs
 * one pass over the recorded linear map (JAX gets the same effect by partial evaluation of the JVP). Results equal
 * {@link jvp}'s, up to rounding. As the map goes through reverse-mode rules, functions built with `customVjp` can be
 * linearised too (JAX's linearize refuses them). Number leaves of the output get tangent 0.
 * ```text
 * linearize(f, x) = (f(x), v ↦ J_f(x)·v)
 * ```
 * @returns `[f(...primals), jvpFn]`.
 * @example
 * import { linearize, mul, tensor } from 'descent-ts'
 * let calls = 0
 * const [y, lin] = linearize((x) => (calls++, mul(x, x)), tensor([3]))
 * assert.deepStrictEqual(y.toArray(), [9])
 * assert.deepStrictEqual(lin(tensor([2])).toArray(), [12])
 * assert.deepStrictEqual(lin(tensor([-1])).toArray(), [-6])
 * assert.strictEqual(calls, 1)
 * @see {@link jvp}, {@link vjp}
 * @category grad
 * @since 0.1.0
 */
export function linearize<F extends (...args: any[]) => PyTree>(
  f: F,
  ...primals: Parameters<F>
): readonly [ReturnType<F>, (...tangents: Parameters<F>) => ReturnType<F>] {
  type R = ReturnType<F>
  type A = Parameters<F>
  const flats = primals.map((p, i) => flattenArg(p, `primals[${i}]`))
  const xs = flats.flatMap((ft) => ft.leaves.map(leafToTensor))
  const pb = vjpFlat((...ys: Tensor[]): R => f(...(rebuildEach(flats, ys) as A)) as R, xs)
  const outFlat = flattenArg(pb.rawOut, 'output')
  const outs = outFlat.leaves.filter((o): o is Tensor => typeof o !== 'number')
  const primalOut = rebuild(
    outFlat,
    outFlat.leaves.map((o): Leaf => (typeof o === 'number' ? o : clean(o))),
  ) as R
  // The pullback u ↦ Jᵀu recorded for reverse mode, once: its transpose is v ↦ J·v.
  let linear: { readonly pb: Pullback<(Tensor | null)[]>; readonly live: number[] } | null = null
  const jvpFn = (...tangents: A): R => {
    if (tangents.length !== primals.length) {
      throw new StructureError(
        `linearize: jvpFn got ${tangents.length} tangents for ${primals.length} primal arguments; give one per argument.`,
      )
    }
    const tans = flats.flatMap((ft, i) => matchTree(ft, tangents[i], 'linearize', `tangents[${i}]`))
    const ts = tans.map((t, i) => cast(t, xs[i]!.dtype))
    if (linear === null) {
      const lpb = vjpFlat((...us: Tensor[]) => pb.pullback(outs, us), outs.map(zerosFor))
      const live = lpb.rawOut.flatMap((c, i) => (c === null ? [] : [i]))
      linear = { pb: lpb, live }
    }
    const { pb: lpb, live } = linear
    const dys = lpb.pullback(
      live.map((i) => lpb.rawOut[i]!),
      live.map((i) => ts[i]!),
    )
    let k = 0
    return rebuild(
      outFlat,
      outFlat.leaves.map((o): Leaf => {
        if (typeof o === 'number') return 0
        return clean(dys[k++] ?? zerosFor(o))
      }),
    ) as R
  }
  return [primalOut, jvpFn]
}
