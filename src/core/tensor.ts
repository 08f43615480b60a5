import type { TypedArray, TypedArrayConstructor } from '../kernels/backend'
import { DTypeError, ShapeError } from './errors'
import { checkNotTraced } from './tracedStorage'

/**
 * Element type of a tensor. `'float32'` is the default; `'float64'` is there for reference computations and tests.
 * @category tensor
 * @since 0.1.0
 */
export type DType = 'float32' | 'float64'

/**
 * A nested JS array of numbers (or a single number), as accepted by {@link tensor} and returned by `toArray()`.
 * @category tensor
 * @since 0.1.0
 */
export type NestedArray = number | readonly NestedArray[]

/**
 * An immutable n-d array of floats in row-major order.
 *
 * No descent function writes to `data` after the tensor is made, and every operation returns a new tensor.
 * Read it with `shape`, `dtype`, `size`, `toArray()` (nested), `item()` (a 0-d or one-element tensor) or
 * `dataSync()` (a copy of the storage).
 *
 * @example
 * import { tensor } from 'descent-ts'
 * const t = tensor([[1, 2, 3], [4, 5, 6]])
 * assert.deepStrictEqual(t.shape, [2, 3])
 * assert.strictEqual(t.dtype, 'float32')
 * assert.deepStrictEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]])
 *
 * @category tensor
 * @since 0.1.0
 */
export interface Tensor {
  readonly _tag: 'Tensor'
  readonly dtype: DType
  readonly shape: readonly number[]
  readonly size: number
  /** The storage. Read it, never write it: other tensors and optimizer states may share it. */
  readonly data: Float32Array | Float64Array
  /** The values as nested arrays (a plain number for a 0-d tensor). */
  toArray(): NestedArray
  /** The single value of a tensor with one element. */
  item(): number
  /** A fresh copy of the storage, safe to modify. */
  dataSync(): Float32Array | Float64Array
}

class TensorImpl implements Tensor {
  readonly _tag = 'Tensor' as const
  // Declared, not initialised: the constructor creates them, in this order (the order Object.keys and JSON show).
  declare readonly dtype: DType
  declare readonly shape: readonly number[]
  declare readonly size: number
  declare readonly data: Float32Array | Float64Array
  constructor(data: TypedArray, shape: readonly number[], frozen: boolean) {
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32'
    // A frozen shape (another tensor's) is shared as is: nobody can write to it. `frozen` (from fromFreshShape) says
    // so without asking the engine: Object.isFrozen is a call into the runtime.
    this.shape = frozen || Object.isFrozen(shape) ? shape : Object.freeze([...shape])
    this.size = data.length
    this.data = data
    Object.freeze(this)
  }
  toArray(): NestedArray {
    return nest(this.data, this.shape, 0, 0)
  }
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item() needs exactly one element; got shape [${this.shape}]. Index or reduce it first.`)
    }
    return this.data[0]!
  }
  dataSync(): Float32Array | Float64Array {
    return this.data.slice()
  }
  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape}]) ${JSON.stringify(this.toArray())}`
  }
}

function nest(data: TypedArray, shape: readonly number[], dim: number, offset: number): NestedArray {
  if (dim === shape.length) return data[offset]!
  const n = shape[dim]!
  let stride = 1
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d]!
  const out: NestedArray[] = []
  for (let i = 0; i < n; i++) out.push(nest(data, shape, dim + 1, offset + i * stride))
  return out
}

/**
 * True for descent tensors. The check is structural and cannot be met by accident: a tensor made by descent
 * (`tensor`, `zeros`, an op, ...) is recognised by its class; any other object must carry `_tag: 'Tensor'`, a
 * `Float32Array` or `Float64Array` as `data` whose length is the product of `shape`, and the tensor methods. A tensor
 * that went through `JSON.stringify`/`JSON.parse` or `structuredClone` is therefore not a tensor (its storage became
 * a plain object, its methods are gone): restore saved state with `loadCheckpoint`.
 * @example
 * import { isTensor, tensor } from 'descent-ts'
 * assert.ok(isTensor(tensor([1])) && !isTensor({ shape: [1] }))
 * assert.ok(!isTensor(JSON.parse(JSON.stringify(tensor([1, 2])))))
 * @category tensor
 * @since 0.1.0
 */
export const isTensor = (x: unknown): x is Tensor =>
  x instanceof TensorImpl ||
  ((x as { _tag?: unknown } | null | undefined)?._tag === 'Tensor' && isTensorLike(x as object))

/** The structural check of a tensor made elsewhere (autodiff tracers): storage, shape and methods. */
function isTensorLike(x: object): boolean {
  const { data, shape, toArray } = x as { data?: unknown; shape?: unknown; toArray?: unknown }
  return (
    (data instanceof Float32Array || data instanceof Float64Array) &&
    Array.isArray(shape) &&
    sizeOf(shape) === data.length &&
    typeof toArray === 'function'
  )
}

/** @internal Storage constructor of a dtype, with a clear error for anything else. */
export function arrayTypeOf(dtype: DType): TypedArrayConstructor {
  if (dtype === 'float32') return Float32Array
  if (dtype === 'float64') return Float64Array
  throw new DTypeError(`dtype must be 'float32' or 'float64'; got ${JSON.stringify(dtype)}.`)
}

/** @internal Wraps library-owned storage without copying; the caller must never write to `data` again. */
export function fromStorage(data: TypedArray, shape: readonly number[]): Tensor {
  return new TensorImpl(data, shape, false)
}

/**
 * @internal {@link fromStorage} with a shape array that nobody else holds (an op's fresh output shape): frozen in
 * place instead of copied first.
 */
export function fromFreshShape(data: TypedArray, shape: number[]): Tensor {
  return new TensorImpl(data, Object.freeze(shape), true)
}

/** The number of elements of a shape, or -1 when a dimension is not a non-negative integer. */
function sizeOf(shape: readonly unknown[]): number {
  let n = 1
  for (const d of shape) {
    if (!Number.isInteger(d) || (d as number) < 0) return -1
    n *= d as number
  }
  return n
}

/** The number of elements of a valid shape; a ShapeError otherwise. */
function checkShape(shape: readonly number[]): number {
  const n = sizeOf(shape)
  if (n < 0) throw new ShapeError(`shape [${shape}] is invalid: dimensions must be non-negative integers.`)
  return n
}

// The start of tensor()'s messages.
const TENSOR = 'tensor(): '

/** The error for `values[i]`, at `path`, that is not a number (a hole included). */
function notANumber(values: readonly unknown[], i: number, path: string): DTypeError {
  const v = values[i]
  const what = !(i in values)
    ? 'a hole in a sparse array'
    : v === undefined
      ? 'undefined'
      : `${typeof v} (${String(v).slice(0, 20)})`
  return new DTypeError(`${TENSOR}${path}[${i}] is ${what}; expected a number.`)
}

/**
 * The shape of nested `values`, from their first elements (as NumPy reads it), with every row checked against it:
 * a ragged row is a ShapeError, and a last-dimension element that is not a number (a hole included) a DTypeError,
 * each naming the index.
 */
function nestedShape(values: unknown): number[] {
  const shape: number[] = []
  let rank = -1
  const visit = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      // The first row at this depth, reached through the first elements: it gives this dimension, and its first
      // element says whether rows go deeper.
      if (!Array.isArray(v)) {
        throw new DTypeError(
          `${TENSOR}${path || 'value'} is ${typeof v}; expected a number or a nested array of numbers.`,
        )
      }
      shape.push(v.length)
      if (!Array.isArray(v[0])) rank = dim + 1
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      const got = Array.isArray(v) ? `length ${v.length}` : typeof v
      throw new ShapeError(
        `${TENSOR}${path || 'value'} has ${got}, expected length ${shape[dim]}; the array is ragged.`,
      )
    }
    const last = dim + 1 === rank
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i]
      if (!last) visit(x, dim + 1, `${path}[${i}]`)
      else if (typeof x !== 'number') {
        if (Array.isArray(x))
          throw new ShapeError(`${TENSOR}${path}[${i}] is nested deeper than its siblings; the array is ragged.`)
        throw notANumber(v, i, path)
      }
    }
  }
  visit(values, 0, '')
  return shape
}

/**
 * Makes a tensor from a number, a nested array, or flat data plus a shape.
 *
 * Data is always copied, so later changes to the caller's array never reach the tensor. A `Float64Array` gives a
 * float64 tensor unless `dtype` says otherwise; everything else defaults to float32.
 *
 * @example
 * import { tensor } from 'descent-ts'
 * assert.deepStrictEqual(tensor(3).shape, [])
 * assert.deepStrictEqual(tensor([1, 2, 3, 4, 5, 6], [2, 3]).toArray(), [[1, 2, 3], [4, 5, 6]])
 * assert.strictEqual(tensor([0.1], 'float64').item(), 0.1)
 * assert.strictEqual(tensor(new Float64Array([1, 2]), [2]).dtype, 'float64')
 *
 * @category tensor
 * @since 0.1.0
 */
export function tensor(values: NestedArray | TypedArray, dtype?: DType): Tensor
export function tensor(data: TypedArray | readonly number[], shape: readonly number[], dtype?: DType): Tensor
export function tensor(
  values: NestedArray | TypedArray,
  shapeOrDType?: readonly number[] | DType,
  maybeDType?: DType,
): Tensor {
  if (Array.isArray(shapeOrDType)) {
    const shape = shapeOrDType as readonly number[]
    const size = checkShape(shape)
    const flat = values as TypedArray | readonly number[]
    checkNotTraced(flat)
    if (Array.isArray(flat)) {
      const i = flat.findIndex((v) => typeof v !== 'number')
      if (i >= 0) throw notANumber(flat, i, '')
    } else if (!ArrayBuffer.isView(flat)) {
      throw new DTypeError(`${TENSOR}data must be a typed array or number[]; got ${typeof flat}.`)
    }
    const dtype = maybeDType ?? (flat instanceof Float64Array ? 'float64' : 'float32')
    if (flat.length !== size) {
      throw new ShapeError(`${TENSOR}${flat.length} values do not fit shape [${shape}] (size ${size}).`)
    }
    // A typed array is copied by the constructor (a memcpy for the same element type); `from` iterates it.
    const Ctor = arrayTypeOf(dtype)
    return fromStorage(Array.isArray(flat) ? Ctor.from(flat) : new Ctor(flat as ArrayLike<number>), shape)
  }
  const dtype = (shapeOrDType as DType | undefined) ?? 'float32'
  const Ctor = arrayTypeOf(dtype)
  if (ArrayBuffer.isView(values)) {
    checkNotTraced(values)
    return fromStorage(new Ctor(values as ArrayLike<number>), [(values as TypedArray).length])
  }
  if (typeof values === 'number') return fromStorage(Ctor.of(values), [])
  const shape = nestedShape(values)
  return fromStorage(Ctor.from((values as unknown[]).flat(shape.length - 1) as number[]), shape)
}

/**
 * A tensor of the given shape filled with `value`.
 * @example
 * import { full } from 'descent-ts'
 * assert.deepStrictEqual(full([2], 7).toArray(), [7, 7])
 * @category tensor
 * @since 0.1.0
 */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  return fromStorage(new (arrayTypeOf(dtype))(checkShape(shape)).fill(value), shape)
}

/**
 * A tensor of zeros.
 * @example
 * import { zeros } from 'descent-ts'
 * assert.deepStrictEqual(zeros([2, 2]).toArray(), [[0, 0], [0, 0]])
 * @category tensor
 * @since 0.1.0
 */
export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 0, dtype)

/**
 * A tensor of ones.
 * @example
 * import { ones } from 'descent-ts'
 * assert.deepStrictEqual(ones([3]).toArray(), [1, 1, 1])
 * @category tensor
 * @since 0.1.0
 */
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => full(shape, 1, dtype)

/**
 * Zeros with the shape and dtype of `t` (or the given dtype).
 * @example
 * import { zerosLike, tensor } from 'descent-ts'
 * assert.deepStrictEqual(zerosLike(tensor([[1, 2]], 'float64')).toArray(), [[0, 0]])
 * @category tensor
 * @since 0.1.0
 */
export const zerosLike = (t: Tensor, dtype: DType = t.dtype): Tensor => full(t.shape, 0, dtype)

/**
 * Evenly spaced values in `[start, stop)`, as `numpy.arange`. With one argument it counts from 0.
 * @example
 * import { arange } from 'descent-ts'
 * assert.deepStrictEqual(arange(4).toArray(), [0, 1, 2, 3])
 * assert.deepStrictEqual(arange(1, 2, 0.25, 'float64').toArray(), [1, 1.25, 1.5, 1.75])
 * @category tensor
 * @since 0.1.0
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop]
  if (step === 0 || !Number.isFinite(step))
    throw new RangeError(`arange step must be a finite non-zero number; got ${step}`)
  const n = Math.max(0, Math.ceil((hi - lo) / step))
  const out = new (arrayTypeOf(dtype))(n)
  for (let i = 0; i < n; i++) out[i] = lo + i * step
  return fromStorage(out, [n])
}
