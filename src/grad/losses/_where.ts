/**
 * The `where` option of the losses (optax's `where=` keyword, as jnp.sum(where=…)): a mask over the reduced axes whose
 * zero entries take no part in the reduction.
 * @internal
 */
import { ShapeError } from '../../core/errors'
import type { Tensor } from '../../core/tensor'
import { broadcastShapes } from '../../kernels/ndarray'
import { logSoftmax } from '../ops/activations'
import { notEqual, where } from '../ops/compare'
import { max, sum } from '../ops/reduce'
import { broadcastTo, expandDims } from '../ops/shape'
import { type TensorLike, asTensor, normAxes, sameShape, shapeStr } from '../tensorLike'

/**
 * The mask `where` as a 0/1 tensor of `shape`. A mask without the reduced `axes` (one flag per example, optax's
 * `[batch_size]` form) gets them back as size-1 axes, as optax's `jnp.expand_dims(where, axis)`; then it broadcasts.
 */
export function lossMask(owner: string, mask: TensorLike, shape: readonly number[], axes: readonly number[]): Tensor {
  let w = asTensor(mask)
  if (w.shape.length !== shape.length && w.shape.length === shape.length - axes.length) w = expandDims(w, axes)
  const b = broadcastShapes(w.shape, shape)
  if (b === null || !sameShape(b, shape)) {
    const batch = shape.filter((_, i) => !axes.includes(i))
    throw new ShapeError(
      `${owner}: options.where shape ${shapeStr(asTensor(mask).shape)} fits neither the input shape ` +
        `${shapeStr(shape)} nor the shape without the reduced axes ${shapeStr(batch)}; pass a mask of one of them.`,
    )
  }
  return broadcastTo(notEqual(w, 0), shape)
}

/** 1 where a slice along `axes` has at least one included entry, 0 for a fully masked slice. */
export const anyIncluded = (m: Tensor, axes: readonly number[], keepDims = false): Tensor =>
  max(m, { axis: axes, keepDims })

/** Σ over `axes` of the included entries of `x` (0 for a fully masked slice), as jnp.sum(x, axes, where=m). */
export const maskedSum = (x: TensorLike, m: Tensor, axes: readonly number[]): Tensor => sum(where(m, x, 0), axes)

/**
 * The masked entries of `z` replaced so that they take no part in a softmax over `axes`: −∞ in a slice that keeps some
 * entry, 0 in a fully masked slice (whose result is discarded), so no NaN reaches a value or a gradient.
 */
export const excluded = (z: TensorLike, m: Tensor, axes: readonly number[]): Tensor =>
  where(m, z, where(anyIncluded(m, axes, true), -Infinity, 0))

/** log softmax over the included entries of `z` along `axes`, 0 at the excluded ones (jax.nn.log_softmax(where=…)). */
export const maskedLogSoftmax = (z: TensorLike, m: Tensor, axes: readonly number[]): Tensor =>
  where(m, logSoftmax(excluded(z, m, axes), axes), 0)

/** Σ of `x` over `axis`, over the entries `mask` includes when it is given (jnp.sum(x, axis, where=mask)). */
export function sumWhere(
  owner: string,
  x: Tensor,
  axis: number | readonly number[],
  mask: TensorLike | undefined,
): Tensor {
  if (mask === undefined) return sum(x, axis)
  const axes = normAxes(owner, axis, x.shape.length)
  return maskedSum(x, lossMask(owner, mask, x.shape, axes), axes)
}
