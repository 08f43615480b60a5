/**
 * Reverse mode: a tape of the primitives applied to traced values, walked backwards with the VJP rules.
 * @since 0.1.0
 */
import type { Diagnosis } from '../core/diagnosis'
import { DescentError } from '../core/errors'
import { type Tensor, isTensor } from '../core/tensor'
import type { PyTree } from '../core/types'
import { clean, cotangentTrees, flattenArg, leafToTensor, matchTree, rebuildEach } from './args'
import { add } from './ops/arithmetic'
import { cast } from './ops/shape'
import type { CustomVjpParams, Primitive, PrimitiveParams, Rule } from './primitives'
import { rules } from './rules'
import { BROADCASTING, suspiciousBroadcast } from './_internal/broadcastCheck'
import { type MainTrace, Tracer, bind, newLevel, peekLevel, withTrace } from './trace'

interface Node {
  /** Its position in the trace's tape (where the pullback keeps its cotangent). */
  readonly index: number
  readonly prim: Primitive | null
  readonly params: unknown
  readonly inputs: readonly (Node | null)[]
  readonly primals: readonly Tensor[]
  readonly out: Tensor
}

class VJPTracer extends Tracer {
  constructor(
    readonly _trace: VJPTrace,
    readonly primal: Tensor,
    readonly node: Node,
  ) {
    super()
  }
}

class VJPTrace implements MainTrace {
  readonly kind = 'vjp' as const
  active = true
  /** The tape: the differentiated inputs (prim null), then every primitive applied to traced values, in order. */
  readonly nodes: Node[] = []
  /** Warnings found while tracing (suspicious broadcasts); `null` until the first. */
  warnings: Diagnosis[] | null = null
  constructor(
    readonly level: number,
    readonly strictBroadcast: boolean,
  ) {}

  processPrimitive<K extends Primitive>(prim: K, inputs: readonly Tensor[], params: PrimitiveParams[K]): Tensor {
    // Sized up front: an array grown by push starts with room for 17 elements, and a tape keeps two per op.
    const primals = new Array<Tensor>(inputs.length)
    const parents = new Array<Node | null>(inputs.length)
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!
      const own = x instanceof VJPTracer && x._trace === this
      primals[i] = own ? x.primal : x
      parents[i] = own ? x.node : null
    }
    // The output of stopGradient is a constant to this trace: no node, so stopGradient(x).item() reads x on purpose.
    if (prim === 'stopGradient') return bind(prim, primals, params)
    // Cheap on the hot path: one rank comparison per binary op; the rule runs only when the ranks differ.
    if (primals.length === 2 && primals[0]!.shape.length !== primals[1]!.shape.length && BROADCASTING[prim] === true) {
      const w = suspiciousBroadcast(prim, primals[0]!.shape, primals[1]!.shape)
      if (w !== null) this.warn(w)
    }
    let p: unknown = params
    let out: Tensor
    if (prim === 'customVjpCall') {
      // Run the user's forward rule and keep its residuals for the backward pass.
      const cp = params as CustomVjpParams
      const [o, res] = cp.fwd(...primals)
      out = o
      p = { ...cp, residuals: { value: res } }
    } else {
      out = bind(prim, primals, params)
    }
    const node: Node = { index: this.nodes.length, prim, params: p, inputs: parents, primals, out }
    this.nodes.push(node)
    return new VJPTracer(this, out, node)
  }

  private warn(w: Diagnosis): void {
    if (this.strictBroadcast) {
      throw new DescentError(`suspiciousBroadcast: ${w.message}. Fix: ${w.fix}`, { code: w.code })
    }
    const ws = (this.warnings ??= [])
    if (!ws.some((v) => v.message === w.message)) ws.push(w)
  }
}

/** @internal Options of {@link vjpFlat}. */
export interface VjpFlatOptions {
  /** Throw a 'suspiciousBroadcast' DescentError at the op instead of recording a warning. */
  readonly strictBroadcast?: boolean
}

/** @internal The result of tracing `f` for reverse mode. */
export interface Pullback<T> {
  /** `f`'s result; its tensors are the values (tracers of outer transformations at most). */
  readonly out: T
  /** The raw result, whose tensors identify the differentiable outputs. */
  readonly rawOut: T
  /** Input cotangents (`null`: the input does not reach the given outputs) for cotangents of some raw outputs. */
  readonly pullback: (outputs: readonly Tensor[], cts: readonly Tensor[]) => (Tensor | null)[]
  /** Whether `o` is a value traced by this trace (computed from the primals, or a primal itself). */
  readonly owns: (o: unknown) => boolean
  /** Whether `f` itself ran transformations (grad inside the loss), whose results may be constant on purpose. */
  readonly nested: boolean
  /** Warnings recorded while tracing `f` (suspicious broadcasts), in order; empty for most functions. */
  readonly warnings: readonly Diagnosis[]
}

const NO_WARNINGS: readonly Diagnosis[] = Object.freeze([])

/** @internal Traces `f` at `primals` (tensors) for reverse mode. */
export function vjpFlat<T>(
  f: (...xs: Tensor[]) => T,
  primals: readonly Tensor[],
  options: VjpFlatOptions = {},
): Pullback<T> {
  const trace = new VJPTrace(newLevel(), options.strictBroadcast === true)
  const inputs: Node[] = primals.map((x, index) => ({
    index,
    prim: null,
    params: null,
    inputs: [],
    primals: [],
    out: x,
  }))
  for (const n of inputs) trace.nodes.push(n)
  const rawOut = withTrace(trace, () => f(...primals.map((x, i) => new VJPTracer(trace, x, inputs[i]!))))
  const pullback = (outputs: readonly Tensor[], cts: readonly Tensor[]): (Tensor | null)[] => {
    // The cotangent accumulated so far for each node of the tape, by its index (released once pulled back).
    const acc: (Tensor | undefined)[] = new Array(trace.nodes.length)
    const accumulate = (node: Node, ct: Tensor): void => {
      const c = ct.dtype === node.out.dtype ? ct : cast(ct, node.out.dtype)
      const prev = acc[node.index]
      acc[node.index] = prev === undefined ? c : add(prev, c)
    }
    outputs.forEach((o, i) => {
      if (o instanceof VJPTracer && o._trace === trace) accumulate(o.node, cts[i]!)
    })
    for (let j = trace.nodes.length - 1; j >= 0; j--) {
      const node = trace.nodes[j]!
      const ct = acc[j]
      if (ct === undefined || node.prim === null) continue
      acc[j] = undefined
      const rule = rules[node.prim] as unknown as Rule<unknown>
      const parents = node.inputs
      const needs = new Array<boolean>(parents.length)
      for (let i = 0; i < parents.length; i++) needs[i] = parents[i] !== null
      const inCts = rule.vjp(ct, node.primals, node.out, node.params, needs)
      for (let i = 0; i < parents.length; i++) {
        const parent = parents[i]!
        const c = inCts[i]
        if (parent !== null && c !== null && c !== undefined) accumulate(parent, c)
      }
    }
    return inputs.map((n) => acc[n.index] ?? null)
  }
  const nested = peekLevel() > trace.level + 1
  const owns = (o: unknown): boolean => o instanceof VJPTracer && o._trace === trace
  return { out: clean(rawOut), rawOut, pullback, owns, nested, warnings: trace.warnings ?? NO_WARNINGS }
}

/**
 * The cotangent function returned by {@link vjp}: maps a cotangent of `f`'s output (same structure and shapes)
 * to one cotangent per primal argument.
 * @category grad
 * @since 0.1.0
 */
export type VjpFn<A extends readonly unknown[], R> = (cotangent: R) => { -readonly [K in keyof A]: A[K] }

/**
 * Reverse-mode differentiation (jax.vjp): evaluates `f` at the primals and returns its value with a function that
 * pulls an output cotangent back to the arguments. Arguments and results are pytrees; number leaves are differentiated
 * as float64 scalars and get number cotangents. An argument that does not reach the output gets zeros of its shape.
 * `vjpFn` can be called many times, and is itself differentiable (its rules are written with ops).
 * ```text
 * vjp(f, x) = (f(x), u ↦ uᵀ·J_f(x))
 * ```
 * @returns `[f(...primals), vjpFn]`.
 * @example
 * import { mul, tensor, vjp } from 'descent-ts'
 * // f(x) = x², so uᵀJ = 2x·u elementwise
 * const [y, vjpFn] = vjp((x) => mul(x, x), tensor([1, 2, 3]))
 * assert.deepStrictEqual(y.toArray(), [1, 4, 9])
 * const [g] = vjpFn(tensor([1, 1, 0]))
 * assert.deepStrictEqual(g.toArray(), [2, 4, 0])
 * @see {@link grad}, {@link jvp}
 * @category grad
 * @since 0.1.0
 */
export function vjp<F extends (...args: any[]) => PyTree>(
  f: F,
  ...primals: Parameters<F>
): readonly [ReturnType<F>, VjpFn<Parameters<F>, ReturnType<F>>] {
  type R = ReturnType<F>
  type A = Parameters<F>
  const flats = primals.map((p, i) => flattenArg(p, `primals[${i}]`))
  const all = flats.flatMap((ft) => ft.leaves.map(leafToTensor))
  const call = (...xs: Tensor[]): R => f(...(rebuildEach(flats, xs) as A)) as R
  const pb = vjpFlat(call, all)
  const outFlat = flattenArg(pb.rawOut, 'output')
  const vjpFn = (ct: R): { -readonly [K in keyof A]: A[K] } => {
    const ctLeaves = matchTree(outFlat, ct, 'vjpFn', 'cotangent')
    const outs: Tensor[] = []
    const cts: Tensor[] = []
    outFlat.leaves.forEach((o, i) => {
      if (typeof o === 'number') return
      const c = ctLeaves[i]!
      outs.push(o)
      cts.push(typeof c === 'number' ? cast(c, o.dtype) : c)
    })
    return cotangentTrees(flats, pb.pullback(outs, cts)) as unknown as { -readonly [K in keyof A]: A[K] }
  }
  return [pb.out, vjpFn]
}

/** @internal A scalar check for grad-like transformations. */
export function checkScalar(owner: string, out: unknown): Tensor | number {
  if (typeof out === 'number') return out
  if (out instanceof Tracer || isTensor(out)) {
    const t = out as Tensor
    if (t.shape.length === 0) return t
    throw new DescentError(
      `${owner}: the function must return a scalar (a 0-d tensor or a number); got a tensor of shape ` +
        `[${t.shape.join(',')}]. Reduce it (e.g. ops.sum or mean), or use vjp / jacrev for non-scalar outputs.`,
    )
  }
  // The structural check, not `_tag`: a tensor that went through JSON or structuredClone keeps `_tag` but no storage.
  const forged = typeof out === 'object' && out !== null && (out as { _tag?: unknown })._tag === 'Tensor'
  throw new DescentError(
    `${owner}: the function must return a scalar (a 0-d tensor or a number); got ${
      forged ? "an object with _tag 'Tensor' that is not a descent Tensor (a serialised tensor?)" : describe(out)
    }. ` + 'With { hasAux: true } it must return [loss, aux].',
  )
}

const describe = (x: unknown): string =>
  Array.isArray(x)
    ? `an array of length ${x.length}`
    : x === null
      ? 'null'
      : typeof x === 'object'
        ? 'an object'
        : typeof x
