/** Storage of a tensor: row-major, never written after the tensor is created. */
export type TypedArray = Float32Array | Float64Array

/** Constructor of the storage for a dtype. */
export type TypedArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor

/**
 * The element-wise compute layer under the generic tree operations (closure maps and reductions); the n-d kernels
 * live in ndarray.ts and the dispatched matmul and fused steps in dispatch.ts. Each kernel allocates and returns its output
 * and never writes to its inputs; the plain-TS {@link cpuBackend} is the reference implementation.
 */
export interface Backend {
  readonly name: string
  /** `out[i] = f(a[i])` */
  readonly map1: (f: (a: number) => number, a: TypedArray, out: TypedArrayConstructor) => TypedArray
  /** `out[i] = f(a[i], b[i])` */
  readonly map2: (
    f: (a: number, b: number) => number,
    a: TypedArray,
    b: TypedArray,
    out: TypedArrayConstructor,
  ) => TypedArray
  /** `out[i] = f(a[i], b[i], c[i])` */
  readonly map3: (
    f: (a: number, b: number, c: number) => number,
    a: TypedArray,
    b: TypedArray,
    c: TypedArray,
    out: TypedArrayConstructor,
  ) => TypedArray
  /** `out[i] = f(xs[0][i], …, xs[n-1][i])` for any number of inputs. */
  readonly mapN: (f: (...xs: number[]) => number, xs: readonly TypedArray[], out: TypedArrayConstructor) => TypedArray
  /** Σ a[i]·b[i], accumulated in float64 from +0 (IEEE: 0·∞ = NaN, NaN propagates). */
  readonly dot: (a: TypedArray, b: TypedArray) => number
  /** Σ f(a[i]), accumulated in float64. */
  readonly sumOf: (f: (a: number) => number, a: TypedArray) => number
  /** max over i of f(a[i]) (−Infinity when empty): IEEE 754-2019 maximum, so NaN wins and −0 < +0. */
  readonly maxOf: (f: (a: number) => number, a: TypedArray) => number
}
