/**
 * Forward mode: dual numbers (primal, tangent) pushed through the JVP rules.
 * @since 0.1.0
 */
import { StructureError } from '../core/errors'
import type { Tensor } from '../core/tensor'
import type { Leaf, PyTree } from '../core/types'
import { clean, flattenArg, leafToTensor, matchTree, rebuild, rebuildEach, zerosFor } from './args'
import { cast } from './ops/shape'
import type { Primitive, PrimitiveParams, Rule } from './primitives'
import { rules } from './rules'
import { type MainTrace, Tracer, bind, newLevel, withTrace } from './trace'

class JVPTracer extends Tracer {
  constructor(
    readonly _trace: JVPTrace,
    readonly primal: Tensor,
    readonly tangent: Tensor,
  ) {
    super()
  }
}

class JVPTrace implements MainTrace {
  readonly kind = 'jvp' as const
  active = true
  constructor(readonly level: number) {}

  processPrimitive<K extends Primitive>(prim: K, inputs: readonly Tensor[], params: PrimitiveParams[K]): Tensor {
    const primals: Tensor[] = []
    const tangents: (Tensor | null)[] = []
    let any = false
    for (const x of inputs) {
      const own = x instanceof JVPTracer && x._trace === this
      primals.push(own ? x.primal : x)
      tangents.push(own ? x.tangent : null)
      any ||= own
    }
    if (!any) return bind(prim, primals, params)
    const rule = rules[prim] as unknown as Rule<PrimitiveParams[K]>
    const [out, tangent] = rule.jvp(primals, tangents, params)
    if (tangent === null) return out
    return new JVPTracer(this, out, tangent.dtype === out.dtype ? tangent : cast(tangent, out.dtype))
  }
}

/** @internal Pushes tangents through `f` at `primals`; `tangentOf` reads the tangent of a raw output. */
export function jvpFlat<T>(
  f: (...xs: Tensor[]) => T,
  primals: readonly Tensor[],
  tangents: readonly Tensor[],
): { readonly rawOut: T; readonly tangentOf: (o: Tensor) => Tensor | null } {
  const trace = new JVPTrace(newLevel())
  const rawOut = withTrace(trace, () =>
    f(
      ...primals.map(
        (x, i) => new JVPTracer(trace, x, tangents[i]!.dtype === x.dtype ? tangents[i]! : cast(tangents[i]!, x.dtype)),
      ),
    ),
  )
  return { rawOut, tangentOf: (o) => (o instanceof JVPTracer && o._trace === trace ? o.tangent : null) }
}

/**
 * Forward-mode differentiation (jax.jvp): evaluates `f` at `primals` and its directional derivative along `tangents`.
 * `primals` and `tangents` are arrays of pytrees (one per argument) of the same structure and leaf shapes.
 * ```text
 * jvp(f, [x], [v]) = (f(x), J_f(x)·v)
 * ```
 * @returns `[f(...primals), tangentOut]`, both with the structure of `f`'s result.
 * @example
 * import { jvp, mul, tensor } from 'descent-ts'
 * const [y, dy] = jvp((x) => mul(x, x), [tensor([3])], [tensor([1])])
 * assert.deepStrictEqual(y.toArray(), [9])
 * assert.deepStrictEqual(dy.toArray(), [6])
 * @see {@link vjp}, {@link linearize}
 * @category grad
 * @since 0.1.0
 */
export function jvp<F extends (...args: any[]) => PyTree>(
  f: F,
  primals: Parameters<F>,
  tangents: Parameters<F>,
): readonly [ReturnType<F>, ReturnType<F>] {
  type R = ReturnType<F>
  type A = Parameters<F>
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new StructureError(
      'jvp: primals and tangents must be arrays with one pytree per argument of f, e.g. jvp(f, [x], [v]).',
    )
  }
  if (primals.length !== tangents.length) {
    throw new StructureError(
      `jvp: ${primals.length} primal arguments but ${tangents.length} tangents; give one tangent per argument.`,
    )
  }
  const flats = primals.map((p, i) => flattenArg(p, `primals[${i}]`))
  const tans = flats.flatMap((ft, i) => matchTree(ft, tangents[i], 'jvp', `tangents[${i}]`))
  const xs = flats.flatMap((ft) => ft.leaves.map(leafToTensor))
  const ts = tans.map((t, i) => (typeof t === 'number' ? leafToTensor(t) : cast(t, xs[i]!.dtype)))
  const call = (...ys: Tensor[]): R => f(...(rebuildEach(flats, ys) as A)) as R
  const { rawOut, tangentOf } = jvpFlat(call, xs, ts)
  const outFlat = flattenArg(rawOut, 'output')
  const tangentLeaves = outFlat.leaves.map((o): Leaf => {
    if (typeof o === 'number') return 0
    return clean(tangentOf(o) ?? zerosFor(o))
  })
  const primalLeaves = outFlat.leaves.map((o): Leaf => (typeof o === 'number' ? o : clean(o)))
  return [rebuild(outFlat, primalLeaves) as R, rebuild(outFlat, tangentLeaves) as R]
}
