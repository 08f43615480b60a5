/**
 * The interpreter stack of the autodiff core (JAX's design, as in "autodidax").
 *
 * Every op calls {@link bind}. Among its inputs, `bind` looks for the tracer whose trace has the highest level; with
 * none it runs the primitive's eager implementation, otherwise it hands the primitive to that trace, which treats
 * every other input as a constant. Each `jvp` / `vjp` call opens a fresh main trace with a higher level, so a tracer
 * of an outer transformation is a constant to an inner one: that is what rules out perturbation confusion.
 *
 * Module-level mutable state, on purpose: `nextLevel` and `stack` describe the dynamic extent of the
 * transformations currently running (JAX keeps the same state in a thread-local). A trace is marked inactive
 * when its transformation returns; a tracer that escapes it then behaves as its primal value.
 * @internal
 */
import { DescentError } from '../core/errors'
import { markTraced } from './markTraced'
import type { DType, NestedArray, Tensor } from '../core/tensor'
import { impls } from './eager'
import type { Primitive, PrimitiveParams } from './primitives'

/** One active transformation (a JVP or a VJP main trace). */
export interface MainTrace {
  readonly level: number
  readonly kind: 'jvp' | 'vjp'
  active: boolean
  /** Applies `prim` to inputs of which at least one is a tracer of this trace. */
  processPrimitive<K extends Primitive>(prim: K, inputs: readonly Tensor[], params: PrimitiveParams[K]): Tensor
}

/**
 * A traced value: satisfies the `Tensor` interface. Its `data` and `toString()` read the concrete value underneath.
 * `item()`, `toArray()` and `dataSync()` do too, except on a value traced by a transformation (reverse mode: grad,
 * valueAndGrad, vjp; forward mode: jvp, jacfwd, hessian's inner pass) while it runs: there they throw a 'detachedLoss'
 * DescentError, because the plain numbers they return are cut off from the graph and whatever is computed from them
 * gets a zero derivative without a word (PyTorch's `numpy()` on a tensor that requires grad refuses the same way).
 * `stopGradient(x).item()` reads the value on purpose.
 */
export abstract class Tracer implements Tensor {
  readonly _tag = 'Tensor' as const
  abstract readonly _trace: MainTrace
  /** The value one level down (a tensor or a tracer of an outer trace). */
  abstract readonly primal: Tensor
  get dtype(): DType {
    return this.primal.dtype
  }
  get shape(): readonly number[] {
    return this.primal.shape
  }
  get size(): number {
    return this.primal.size
  }
  get data(): Float32Array | Float64Array {
    const data = this.primal.data
    // Marked so that tensor(x.data) inside the transformation is refused (the storage itself is only read).
    return this._trace.active ? markTraced(data, this._trace) : data
  }
  toArray(): NestedArray {
    checkRead(this, 'toArray()')
    return this.primal.toArray()
  }
  item(): number {
    checkRead(this, 'item()')
    return this.primal.item()
  }
  dataSync(): Float32Array | Float64Array {
    checkRead(this, 'dataSync()')
    return this.primal.dataSync()
  }
  toString(): string {
    return `Tracer<${this._trace.kind}@${this._trace.level}>(${String(this.primal)})`
  }
}

/** Throws when `t` is traced by a running transformation (either mode): reading it as numbers detaches it. */
function checkRead(t: Tracer, reader: string): void {
  if (!t._trace.active) return
  throw new DescentError(
    `${reader} was called on a value of shape [${t.shape.join(',')}] traced by ${TRACED_BY[t._trace.kind]}: it returns ` +
      'plain numbers, detached from the graph, so anything computed from them (tensor(x.item()), JS arithmetic) ' +
      'gets a zero gradient. Fix: keep the computation in descent ops on the tensor itself (ops.sum, mul, mean, ' +
      'square, ...); to read the value for logging or control flow, use stopGradient(x).' +
      `${reader}, or return it as aux with { hasAux: true }.`,
    { code: 'detachedLoss' },
  )
}

const TRACED_BY = {
  vjp: 'grad / valueAndGrad / vjp',
  jvp: 'jvp / jacfwd / hessian / linearize (forward mode)',
} as const

let nextLevel = 1
const stack: MainTrace[] = []

/** A fresh level, above every trace created so far. */
export const newLevel = (): number => nextLevel++

/** The level the next trace will get: comparing it before and after a call tells whether the call opened traces. */
export const peekLevel = (): number => nextLevel

/** Runs `body` with `trace` active, and deactivates it afterwards (also on error). */
export function withTrace<R>(trace: MainTrace, body: () => R): R {
  stack.push(trace)
  try {
    return body()
  } finally {
    trace.active = false
    stack.splice(stack.lastIndexOf(trace), 1)
  }
}

/** The number of transformations currently running (for tests and messages). */
export const depth = (): number => stack.length

/** Strips the tracers of transformations that have already returned. */
export function live(x: Tensor): Tensor {
  let y = x
  while (y instanceof Tracer && !y._trace.active) y = y.primal
  return y
}

/** The concrete tensor underneath every tracer. */
export function concrete(x: Tensor): Tensor {
  let y = x
  while (y instanceof Tracer) y = y.primal
  return y
}

/** Applies a primitive: eagerly on concrete tensors, or through the highest-level trace among the inputs. */
export function bind<K extends Primitive>(prim: K, inputs: readonly Tensor[], params: PrimitiveParams[K]): Tensor {
  let top: MainTrace | null = null
  let xs = inputs
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!
    if (!(x instanceof Tracer)) continue
    const y = live(x)
    if (y !== x) {
      if (xs === inputs) xs = [...inputs]
      ;(xs as Tensor[])[i] = y
    }
    if (y instanceof Tracer && (top === null || y._trace.level > top.level)) top = y._trace
  }
  if (top === null) return impls[prim](xs, params)
  return top.processPrimitive(prim, xs, params)
}

/** The error raised when a customVjp function is differentiated in forward mode (checkGrads skips that mode on it). */
export class CustomVjpForwardError extends DescentError {}

/** The error raised when a customVjp function is differentiated in forward mode (as JAX). */
export const customVjpForwardError = (name: string): DescentError =>
  new CustomVjpForwardError(
    `can't apply forward-mode autodiff (jvp, jacfwd) to the customVjp function '${name}': it only defines ` +
      'a reverse-mode rule. Use vjp / grad / jacrev (forward-over-reverse, as hessian and hvp, works), or define it with ' +
      'customJvp instead.',
  )
