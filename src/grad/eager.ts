/**
 * Eager implementations of the primitives on concrete tensors, with the kernels of `src/kernels/ndarray.ts`.
 * Results take the promoted dtype of their inputs (float64 if any input is float64). Shapes were validated by
 * the ops that bind these primitives.
 * @internal
 */
import { type Tensor, arrayTypeOf, fromFreshShape, fromStorage } from '../core/tensor'
import { cpuBackend } from '../kernels/cpu'
import { matmul as dispatchMatmul } from '../kernels/dispatch'
import * as K from '../kernels/ndarray'
import {
  addBiasRowsInPlace,
  logSoftmaxRowsKernel,
  logSoftmaxVjpRowsKernel,
  reluKernel,
  reluMaskKernel,
} from '../kernels/fusedLayer'
import type { Primitive, PrimitiveParams } from './primitives'
import { promote } from '../core/leafMath'
import { sameShape } from './tensorLike'

const unary =
  (f: (x: number) => number) =>
  (xs: readonly Tensor[]): Tensor => {
    const x = xs[0]!
    return fromStorage(cpuBackend.map1(f, x.data, arrayTypeOf(x.dtype)), x.shape)
  }

const binary =
  (f: (a: number, b: number) => number, op?: K.FastBinaryOp) =>
  (xs: readonly Tensor[]): Tensor => {
    const a = xs[0]!
    const b = xs[1]!
    // Equal shapes (most binary ops): a tensor's frozen shape, as broadcastShapes would return, without its loops.
    const shape = sameShape(a.shape, b.shape) ? a.shape : K.broadcastShapes(a.shape, b.shape)!
    const Out = a.dtype === 'float64' || b.dtype === 'float64' ? Float64Array : Float32Array
    return fromStorage(K.binary(f, a.data, a.shape, b.data, b.shape, shape, Out, op), shape)
  }

const reduce =
  (op: K.ReduceOp) =>
  (xs: readonly Tensor[], p: PrimitiveParams['sum']): Tensor => {
    const x = xs[0]!
    const data = K.reduce(op, x.data, x.shape, p.axes, arrayTypeOf(x.dtype))
    const shape = p.keepDims
      ? x.shape.map((d, i) => (p.axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !p.axes.includes(i))
    return fromFreshShape(data, shape)
  }

const logistic = (x: number): number => {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

/**
 * `xʸ` with the IEEE 754 / C99 special cases: pow(+1, y) = 1 for every y (NaN too) and pow(−1, ±∞) = 1, where
 * JavaScript's `Math.pow` returns NaN. Every other case is `Math.pow`'s, which already follows IEEE.
 */
const powIeee = (x: number, y: number): number =>
  x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y)

/**
 * IEEE 754-2019 `maximum` / `minimum`: NaN wins, −0 < +0. The same results as `Math.max` / `Math.min`, written out
 * because a builtin called through the kernel's closure slot is 2× slower than an inlinable arrow.
 */
const maximumIeee = (a: number, b: number): number =>
  a > b || a !== a ? a : a < b || b !== b || a !== 0 ? b : 1 / a > 0 ? a : b
const minimumIeee = (a: number, b: number): number =>
  a < b || a !== a ? a : a > b || b !== b || a !== 0 ? b : 1 / a < 0 ? a : b

const indicesOf = (t: Tensor): Int32Array => Int32Array.from(t.data, (v) => Math.trunc(v))

/** The eager implementation of every primitive. */
export const impls: { readonly [K in Primitive]: (inputs: readonly Tensor[], params: PrimitiveParams[K]) => Tensor } = {
  add: binary((a, b) => a + b, 'add'),
  mul: binary((a, b) => a * b, 'mul'),
  neg: unary((x) => -x),
  div: binary((a, b) => a / b, 'div'),
  pow: binary(powIeee),
  exp: unary(Math.exp),
  log: unary(Math.log),
  log1p: unary(Math.log1p),
  expm1: unary(Math.expm1),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tanh: unary(Math.tanh),
  logistic: unary(logistic),
  sqrt: unary(Math.sqrt),
  rsqrt: unary((x) => 1 / Math.sqrt(x)),
  abs: unary(Math.abs),
  sign: unary((x) => (x > 0 ? 1 : x < 0 ? -1 : x)),
  relu: (xs) => {
    const x = xs[0]!
    return fromStorage(reluKernel(x.data, arrayTypeOf(x.dtype)), x.shape)
  },
  reluMask: (xs) => {
    const [ct, x] = xs as [Tensor, Tensor]
    return fromStorage(reluMaskKernel(ct.data, x.data, arrayTypeOf(ct.dtype)), ct.shape)
  },
  maximum: binary(maximumIeee),
  minimum: binary(minimumIeee),
  select: (xs) => {
    const [c, a, b] = xs as [Tensor, Tensor, Tensor]
    const shape = K.broadcastShapes(c.shape, a.shape, b.shape)!
    return fromStorage(
      K.select(c.data, c.shape, a.data, a.shape, b.data, b.shape, shape, arrayTypeOf(promote([a, b]))),
      shape,
    )
  },
  gt: binary((a, b) => (a > b ? 1 : 0), 'gt'),
  ge: binary((a, b) => (a >= b ? 1 : 0)),
  lt: binary((a, b) => (a < b ? 1 : 0)),
  le: binary((a, b) => (a <= b ? 1 : 0), 'le'),
  eq: binary((a, b) => (a === b ? 1 : 0)),
  ne: binary((a, b) => (a !== b ? 1 : 0)),
  sum: reduce('sum'),
  reduceMax: reduce('max'),
  reduceMin: reduce('min'),
  logSoftmax: (xs, p) => {
    const x = xs[0]!
    const r = x.shape.length
    if (p.axes.length === 1 && p.axes[0] === r - 1) {
      return fromStorage(logSoftmaxRowsKernel(x.data, x.shape[r - 1]!, arrayTypeOf(x.dtype)), x.shape)
    }
    // Other axes: the composed ops' kernels in the same order (the same values as the last-axis kernel computes).
    const keep = { axes: p.axes, keepDims: true }
    const shifted = impls.add([x, impls.neg([impls.reduceMax([x], keep)], {})], {})
    const logSum = impls.log([impls.sum([impls.exp([shifted], {})], keep)], {})
    return impls.add([shifted, impls.neg([logSum], {})], {})
  },
  logSoftmaxVjp: (xs, p) => {
    const [ct, y] = xs as [Tensor, Tensor]
    const r = y.shape.length
    if (ct.dtype === y.dtype && ct.size === y.size && p.axes.length === 1 && p.axes[0] === r - 1) {
      return fromStorage(logSoftmaxVjpRowsKernel(ct.data, y.data, y.shape[r - 1]!, arrayTypeOf(y.dtype)), y.shape)
    }
    // Other axes or mixed dtypes: the composed ops' kernels in the same order (what the row kernel computes).
    const s = impls.sum([ct], { axes: p.axes, keepDims: true })
    return impls.add([ct, impls.neg([impls.mul([impls.exp([y], {}), s], {})], {})], {})
  },
  // Reshape shares the (immutable) storage.
  reshape: (xs, p) => fromStorage(xs[0]!.data, p.shape),
  broadcastTo: (xs, p) => {
    const x = xs[0]!
    return fromStorage(K.broadcastTo(x.data, x.shape, p.shape, arrayTypeOf(x.dtype)), p.shape)
  },
  transpose: (xs, p) => {
    const x = xs[0]!
    return fromStorage(
      K.transpose(x.data, x.shape, p.perm, arrayTypeOf(x.dtype)),
      p.perm.map((i) => x.shape[i]!),
    )
  },
  matmul: (xs, p) => {
    const [a, b] = xs as [Tensor, Tensor]
    const { data, shape } = K.matmul(a.data, a.shape, b.data, b.shape, arrayTypeOf(promote(xs)), p)
    return fromFreshShape(data, shape)
  },
  linear: (xs) => {
    const [x, w, b] = xs as [Tensor, Tensor, Tensor]
    const [m, k] = x.shape as [number, number]
    const n = w.shape[1]!
    // float32: the dispatched matmul with the bias added in its epilogue (the SIMD kernel's, or the same float32 add
    // after the TS / gpu.js product), bit for bit add(matmul(x, w), b).
    if (x.data instanceof Float32Array && w.data instanceof Float32Array && b.data instanceof Float32Array) {
      return fromFreshShape(dispatchMatmul(x.data, w.data, m, k, n, { bias: b.data }), [m, n])
    }
    // float64 somewhere: the product in the dtype of x and w, then the bias, each element rounded as the ops round it.
    const Out = arrayTypeOf(promote([x, w]))
    let { data } = K.matmul(x.data, x.shape, w.data, w.shape, Out)
    if (b.dtype === 'float64' && !(data instanceof Float64Array)) data = Float64Array.from(data)
    addBiasRowsInPlace(data, b.data, n)
    return fromFreshShape(data, [m, n])
  },
  concat: (xs, p) => {
    const Out = arrayTypeOf(promote(xs))
    const shape = [...xs[0]!.shape]
    shape[p.axis] = xs.reduce((s, x) => s + x.shape[p.axis]!, 0)
    return fromStorage(
      K.concat(
        xs.map((x) => x.data),
        xs.map((x) => x.shape),
        p.axis,
        Out,
      ),
      shape,
    )
  },
  slice: (xs, p) => {
    const x = xs[0]!
    return fromStorage(K.slice(x.data, x.shape, p.starts, p.sizes, arrayTypeOf(x.dtype)), p.sizes)
  },
  pad: (xs, p) => {
    const x = xs[0]!
    const shape = x.shape.map((d, i) => d + p.before[i]! + p.after[i]!)
    return fromStorage(K.pad(x.data, x.shape, p.before, p.after, arrayTypeOf(x.dtype)), shape)
  },
  gather: (xs, p) => {
    const [x, idx] = xs as [Tensor, Tensor]
    const shape = [...x.shape.slice(0, p.axis), ...idx.shape, ...x.shape.slice(p.axis + 1)]
    return fromStorage(K.gather(x.data, x.shape, indicesOf(idx), p.axis, arrayTypeOf(x.dtype)), shape)
  },
  scatterAdd: (xs, p) => {
    const [src, idx] = xs as [Tensor, Tensor]
    return fromStorage(K.scatterAdd(src.data, indicesOf(idx), p.axis, p.shape, arrayTypeOf(src.dtype)), p.shape)
  },
  stopGradient: (xs) => xs[0]!,
  cast: (xs, p) => {
    const x = xs[0]!
    return x.dtype === p.dtype ? x : fromStorage(arrayTypeOf(p.dtype).from(x.data), x.shape)
  },
  customJvpCall: (xs, p) => p.f(...xs),
  customVjpCall: (xs, p) => p.f(...xs),
}
