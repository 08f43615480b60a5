/**
 * Shape ops: reshape, transpose, broadcasting, joining, slicing, padding, gathering, one-hot and casts.
 * @since 0.1.0
 */
import { ShapeError } from '../../core/errors'
import { type DType, type Tensor, arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import { broadcastShapes, sizeOf } from '../../kernels/ndarray'
import { bind, concrete } from '../trace'
import { type TensorLike, asTensor, lift, liftAll, normAxes, normAxis, sameShape, shapeStr } from '../tensorLike'

/**
 * Gives `x` a new shape with the same elements in row-major order; one dimension may be −1 (inferred). Free:
 * the storage is shared.
 * ```text
 * reshape(x, s): size(s) = size(x)
 * ```
 * @returns a tensor of shape `shape`.
 * @example
 * import { reshape, tensor } from 'descent-ts'
 * assert.deepStrictEqual(reshape(tensor([1, 2, 3, 4, 5, 6]), [2, -1]).toArray(), [[1, 2, 3], [4, 5, 6]])
 * @category grad
 * @since 0.1.0
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x)
  const known = shape.filter((d) => d !== -1)
  const free = shape.length - known.length
  const k = sizeOf(known)
  let out = [...shape]
  if (free > 1 || known.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`reshape: invalid target shape ${shapeStr(shape)} (non-negative integers, at most one −1).`)
  }
  if (free === 1) {
    if (k === 0 || t.size % k !== 0)
      throw new ShapeError(`reshape: cannot reshape ${shapeStr(t.shape)} into ${shapeStr(shape)}.`)
    out = shape.map((d) => (d === -1 ? t.size / k : d))
  }
  if (sizeOf(out) !== t.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${shapeStr(t.shape)} (size ${t.size}) into ${shapeStr(shape)} (size ${sizeOf(out)}).`,
    )
  }
  // Frozen here, so that the result's tensor shares it (a tensor freezes a copy of a shape that is not frozen).
  return sameShape(out, t.shape) ? t : bind('reshape', [t], { shape: Object.freeze(out) })
}

/**
 * Permutes the axes: `out.shape[i] = x.shape[perm[i]]`; the default reverses them.
 * ```text
 * transpose(x, p)[i₀, …] = x[i_{p⁻¹(0)}, …]
 * ```
 * @returns the transposed tensor.
 * @example
 * import { tensor, transpose } from 'descent-ts'
 * assert.deepStrictEqual(transpose(tensor([[1, 2, 3], [4, 5, 6]])).toArray(), [[1, 4], [2, 5], [3, 6]])
 * @category grad
 * @since 0.1.0
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asTensor(x)
  const r = t.shape.length
  const p =
    perm === undefined ? Array.from({ length: r }, (_, i) => r - 1 - i) : perm.map((a) => normAxis('transpose', a, r))
  if (p.length !== r || new Set(p).size !== r) {
    throw new ShapeError(
      `transpose: perm [${String(perm)}] is not a permutation of the ${r} axes of ${shapeStr(t.shape)}.`,
    )
  }
  return p.every((a, i) => a === i) ? t : bind('transpose', [t], { perm: p })
}

/**
 * Broadcasts `x` to `shape` with NumPy rules (copying along the broadcast axes).
 * ```text
 * broadcastTo(x, s)[i] = x[i mod x.shape]
 * ```
 * @returns a tensor of shape `shape`.
 * @example
 * import { broadcastTo, tensor } from 'descent-ts'
 * assert.deepStrictEqual(broadcastTo(tensor([1, 2]), [2, 2]).toArray(), [[1, 2], [1, 2]])
 * @category grad
 * @since 0.1.0
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x)
  const b = broadcastShapes(t.shape, shape)
  if (b === null || !sameShape(b, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${shapeStr(t.shape)} to ${shapeStr(shape)}.`)
  }
  return sameShape(t.shape, shape) ? t : bind('broadcastTo', [t], { shape: Object.freeze([...shape]) })
}

/**
 * Inserts axes of size 1 at the given positions (in the output's numbering).
 * ```text
 * expandDims(x: [3], 0) : [1, 3]
 * ```
 * @returns a tensor with `x`'s elements and extra unit axes.
 * @example
 * import { expandDims, tensor } from 'descent-ts'
 * assert.deepStrictEqual(expandDims(tensor([1, 2]), -1).shape, [2, 1])
 * @category grad
 * @since 0.1.0
 */
export function expandDims(x: TensorLike, axis: number | readonly number[]): Tensor {
  const t = asTensor(x)
  const k = typeof axis === 'number' ? 1 : axis.length
  const axes = normAxes('expandDims', axis, t.shape.length + k)
  const out: number[] = []
  let j = 0
  for (let i = 0; i < t.shape.length + k; i++) out.push(axes.includes(i) ? 1 : t.shape[j++]!)
  return reshape(t, out)
}

/**
 * Removes axes of size 1 (all of them, or the given ones, which must have size 1).
 * ```text
 * squeeze(x: [1, 3, 1]) : [3]
 * ```
 * @returns a tensor with the unit axes removed.
 * @example
 * import { squeeze, tensor } from 'descent-ts'
 * assert.deepStrictEqual(squeeze(tensor([[1], [2]])).shape, [2])
 * @category grad
 * @since 0.1.0
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): Tensor {
  const t = asTensor(x)
  const axes =
    axis === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normAxes('squeeze', axis, t.shape.length)
  for (const a of axes) {
    if (t.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of ${shapeStr(t.shape)} has size ${t.shape[a]}, not 1.`)
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  )
}

/**
 * Joins tensors along an existing axis; all other dimensions must agree. The result has the promoted dtype.
 * ```text
 * concat([a: [2, 3], b: [1, 3]], 0) : [3, 3]
 * ```
 * @returns the joined tensor.
 * @example
 * import { concat, tensor } from 'descent-ts'
 * assert.deepStrictEqual(concat([tensor([1, 2]), tensor([3])]).toArray(), [1, 2, 3])
 * @category grad
 * @since 0.1.0
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const first = xs[0]
  if (first === undefined) throw new ShapeError('concat: needs at least one tensor.')
  const r = first.shape.length
  if (r === 0) throw new ShapeError('concat: cannot join 0-d tensors; use stack.')
  const ax = normAxis('concat', axis, r)
  xs.forEach((x, i) => {
    if (x.shape.length !== r || x.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ShapeError(
        `concat: tensor ${i} has shape ${shapeStr(x.shape)}, incompatible with ${shapeStr(first.shape)} along axis ${ax}.`,
      )
    }
  })
  return xs.length === 1 ? first : bind('concat', xs, { axis: ax })
}

/**
 * Stacks tensors of one shape along a new axis.
 * ```text
 * stack([a: [3], b: [3]], 0) : [2, 3]
 * ```
 * @returns the stacked tensor.
 * @example
 * import { stack, tensor } from 'descent-ts'
 * assert.deepStrictEqual(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(), [[1, 3], [2, 4]])
 * @category grad
 * @since 0.1.0
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('stack: needs at least one tensor.')
  const ts = liftAll(...xs)
  const s0 = ts[0]!.shape
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, s0))
      throw new ShapeError(`stack: tensor ${i} has shape ${shapeStr(t.shape)}; expected ${shapeStr(s0)}.`)
  })
  const ax = normAxis('stack', axis, s0.length + 1)
  const parts = ts.map((t) => expandDims(t, ax))
  return parts.length === 1 ? parts[0]! : bind('concat', parts, { axis: ax })
}

/**
 * The block of `x` starting at `starts` with extent `sizes` (−1 = to the end), as tf.slice / lax.dynamic_slice.
 * ```text
 * slice(x, s, n)[i] = x[s + i],  0 ≤ i < n
 * ```
 * @returns a tensor of shape `sizes`.
 * @example
 * import { slice, tensor } from 'descent-ts'
 * assert.deepStrictEqual(slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]).toArray(), [[2, 3], [5, 6]])
 * @category grad
 * @since 0.1.0
 */
export function slice(x: TensorLike, starts: readonly number[], sizes: readonly number[]): Tensor {
  const t = asTensor(x)
  const r = t.shape.length
  if (starts.length !== r || sizes.length !== r) {
    throw new ShapeError(
      `slice: starts and sizes need ${r} entries for shape ${shapeStr(t.shape)}; got [${String(starts)}], [${String(sizes)}].`,
    )
  }
  const n = sizes.map((s, i) => (s === -1 ? t.shape[i]! - starts[i]! : s))
  starts.forEach((s, i) => {
    if (!Number.isInteger(s) || !Number.isInteger(n[i]) || s < 0 || n[i]! < 0 || s + n[i]! > t.shape[i]!) {
      throw new ShapeError(
        `slice: start ${s} and size ${sizes[i]} are out of bounds for axis ${i} of ${shapeStr(t.shape)}.`,
      )
    }
  })
  return sameShape(n, t.shape) ? t : bind('slice', [t], { starts: [...starts], sizes: n })
}

/**
 * Pads with zeros: `widths[i] = [before, after]` along axis i (a single pair applies to every axis).
 * ```text
 * pad(x: [n], [[a, b]]) : [a + n + b]
 * ```
 * @returns the padded tensor.
 * @example
 * import { pad, tensor } from 'descent-ts'
 * assert.deepStrictEqual(pad(tensor([1, 2]), [[1, 2]]).toArray(), [0, 1, 2, 0, 0])
 * @category grad
 * @since 0.1.0
 */
export function pad(x: TensorLike, widths: readonly (readonly [number, number])[]): Tensor {
  const t = asTensor(x)
  const r = t.shape.length
  const w = widths.length === 1 && r !== 1 ? Array.from({ length: r }, () => widths[0]!) : widths
  if (w.length !== r || w.some(([a, b]) => !Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0)) {
    throw new ShapeError(`pad: widths must be ${r} pairs of non-negative integers for shape ${shapeStr(t.shape)}.`)
  }
  if (w.every(([a, b]) => a === 0 && b === 0)) return t
  return bind('pad', [t], { before: w.map((p) => p[0]), after: w.map((p) => p[1]) })
}

/**
 * Picks entries along `axis` (jnp.take); without `axis`, from the flattened tensor. Negative indices count from the
 * end; duplicates are allowed (their cotangents add up). Indices are not differentiated.
 * ```text
 * take(x, idx, a)[…, j, …] = x[…, idx[j], …]
 * ```
 * @returns a tensor of shape `x.shape[:axis] ++ idx.shape ++ x.shape[axis+1:]`.
 * @example
 * import { take, tensor } from 'descent-ts'
 * assert.deepStrictEqual(take(tensor([[1, 2], [3, 4]]), [1, 1, 0], 0).toArray(), [[3, 4], [3, 4], [1, 2]])
 * assert.deepStrictEqual(take(tensor([10, 20, 30]), -1).toArray(), 30)
 * @category grad
 * @since 0.1.0
 */
export function take(x: TensorLike, indices: TensorLike | readonly number[], axis?: number): Tensor {
  let t = asTensor(x)
  if (axis === undefined) t = reshape(t, [-1])
  const ax = normAxis('take', axis ?? 0, t.shape.length)
  const d = t.shape[ax]!
  const raw =
    typeof indices === 'number' ? [indices] : isTensor(indices) ? Array.from(concrete(indices).data) : [...indices]
  const shape = typeof indices === 'number' ? [] : isTensor(indices) ? indices.shape : [raw.length]
  const norm = raw.map((v) => {
    if (!Number.isInteger(v) || v < -d || v >= d) {
      throw new ShapeError(`take: index ${v} is out of range for axis ${ax} of size ${d} (shape ${shapeStr(t.shape)}).`)
    }
    return v < 0 ? v + d : v
  })
  const idx = fromStorage(Float64Array.from(norm), shape)
  return bind('gather', [t, idx], { axis: ax })
}

/**
 * One-hot encodes integer labels: `out[…, k] = [indices[…] = k]`. Labels outside `[0, numClasses)` give a row
 * of zeros (as jax.nn.one_hot). Not differentiable.
 * ```text
 * oneHot(y, K)[i, k] = [yᵢ = k]
 * ```
 * @returns a tensor of shape `indices.shape ++ [numClasses]` (float32 unless `dtype` says otherwise).
 * @example
 * import { oneHot, tensor } from 'descent-ts'
 * assert.deepStrictEqual(oneHot(tensor([2, 0]), 3).toArray(), [[0, 0, 1], [1, 0, 0]])
 * @category grad
 * @since 0.1.0
 */
export function oneHot(indices: TensorLike | readonly number[], numClasses: number, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 0)
    throw new ShapeError(`oneHot: numClasses must be a non-negative integer; got ${numClasses}.`)
  const raw =
    typeof indices === 'number' ? [indices] : isTensor(indices) ? Array.from(concrete(indices).data) : [...indices]
  const shape = typeof indices === 'number' ? [] : isTensor(indices) ? indices.shape : [raw.length]
  const out = new (arrayTypeOf(dtype))(raw.length * numClasses)
  raw.forEach((v, i) => {
    if (Number.isInteger(v) && v >= 0 && v < numClasses) out[i * numClasses + v] = 1
  })
  return fromStorage(out, [...shape, numClasses])
}

/**
 * Converts to another dtype (the cotangent is cast back to the input's dtype).
 * ```text
 * cast(x, dtype) = x rounded to dtype
 * ```
 * @returns `x` in `dtype`.
 * @example
 * import { cast, tensor } from 'descent-ts'
 * assert.strictEqual(cast(tensor([1]), 'float64').dtype, 'float64')
 * @category grad
 * @since 0.1.0
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = lift(x, dtype)
  return t.dtype === dtype ? t : bind('cast', [t], { dtype })
}
