import { HyperparameterError, ShapeError } from '../../core/errors'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import type { Leaf } from '../../core/types'

/** @internal The per-element axis (or axes) of optax's aggregators. */
export type PerEltAxis = number | readonly number[]

/** @internal Statistics of one leaf over its per-element axes: the mean and Σ(x − mean)², in the kept shape. */
export interface AxisStats {
  readonly count: number
  readonly mean: Leaf
  readonly sumSqDiff: Leaf
}

const normalise = (owner: string, axes: PerEltAxis, nd: number): number[] => {
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => {
    if (!Number.isInteger(a) || a < -nd || a >= nd) {
      throw new HyperparameterError(`${owner} perEltAxis ${String(a)} is not an axis of a rank-${nd} leaf`)
    }
    return ((a % nd) + nd) % nd
  })
  return [...new Set(list)].sort((x, y) => x - y)
}

/** @internal The number of elements along `axes` of `leaf`. */
export function batchSizeOf(owner: string, leaf: Leaf, axes: PerEltAxis): number {
  if (!isTensor(leaf)) throw new ShapeError(`${owner}: a per-element update must be a tensor with the batch axes`)
  return normalise(owner, axes, leaf.shape.length).reduce((p, a) => p * leaf.shape[a]!, 1)
}

/** @internal The mean and the sum of squared deviations of `leaf` over `axes` (in float64, stored in its dtype). */
export function statsOver(owner: string, leaf: Leaf, axes: PerEltAxis): AxisStats {
  if (!isTensor(leaf)) throw new ShapeError(`${owner}: a per-element update must be a tensor with the batch axes`)
  const t = leaf as Tensor
  const nd = t.shape.length
  const red = normalise(owner, axes, nd)
  const kept = t.shape.map((_, i) => i).filter((i) => !red.includes(i))
  const keptShape = kept.map((a) => t.shape[a]!)
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((p, s) => p * s, 1))
  const nKept = keptShape.reduce((p, s) => p * s, 1)
  const n = red.reduce((p, a) => p * t.shape[a]!, 1)
  const sum = new Float64Array(nKept)
  const offsets = (axesList: number[], sizes: number[]) => {
    const total = sizes.reduce((p, s) => p * s, 1)
    const out = new Float64Array(total)
    const idx = new Array<number>(axesList.length).fill(0)
    for (let i = 0; i < total; i++) {
      out[i] = idx.reduce((o, v, k) => o + v * strides[axesList[k]!]!, 0)
      for (let k = axesList.length - 1; k >= 0; k--) {
        if (++idx[k]! < sizes[k]!) break
        idx[k] = 0
      }
    }
    return out
  }
  const keptOff = offsets(kept, keptShape)
  const redOff = offsets(
    red,
    red.map((a) => t.shape[a]!),
  )
  const mean = new Float64Array(nKept)
  const ssd = new Float64Array(nKept)
  for (let i = 0; i < nKept; i++) {
    let s = 0
    for (let j = 0; j < n; j++) s += t.data[keptOff[i]! + redOff[j]!]!
    sum[i] = s
    mean[i] = s / n
    let q = 0
    for (let j = 0; j < n; j++) q += (t.data[keptOff[i]! + redOff[j]!]! - mean[i]!) ** 2
    ssd[i] = q
  }
  const store = (d: Float64Array): Leaf => fromStorage(arrayTypeOf(t.dtype).from(d), keptShape)
  return { count: n, mean: store(mean), sumSqDiff: store(ssd) }
}
