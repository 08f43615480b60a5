import { ShapeError } from '../../core/errors'
import { arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import { type KeyPath, keystr } from '../../core/tree'
import type { Leaf } from '../../core/types'

import { type Matrix, transposeMatrix } from '../../core/denseMatrix'

export type { Matrix }

/** The leaf at `path` as a float64 matrix; a leaf that is not a rank-2 tensor throws, naming the path and the fix. */
export function asMatrix(owner: string, path: KeyPath, leaf: Leaf, fix: string): Matrix {
  if (!isTensor(leaf) || leaf.shape.length !== 2) {
    const shape = isTensor(leaf) ? `shape [${leaf.shape.join(',')}]` : 'a number'
    throw new ShapeError(`${owner}: ${keystr(path, 'updates')} is ${shape}, not a matrix (rank 2). ${fix}`)
  }
  return { rows: leaf.shape[0]!, cols: leaf.shape[1]!, data: Float64Array.from(leaf.data) }
}

/** The matrix stored back as a tensor of `dtype` (rounded once, from float64). */
export const toTensor = (m: Matrix, dtype: 'float32' | 'float64'): Leaf =>
  fromStorage(arrayTypeOf(dtype).from(m.data), [m.rows, m.cols])

export const transpose = transposeMatrix

export function matmul(a: Matrix, b: Matrix): Matrix {
  const out = new Float64Array(a.rows * b.cols)
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!
      if (aik === 0) continue
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j]! += aik * b.data[k * b.cols + j]!
    }
  }
  return { rows: a.rows, cols: b.cols, data: out }
}

/** α·a + β·b, elementwise (same shapes). */
export function combine(alpha: number, a: Matrix, beta: number, b: Matrix): Matrix {
  const out = new Float64Array(a.data.length)
  for (let i = 0; i < out.length; i++) out[i] = alpha * a.data[i]! + beta * b.data[i]!
  return { rows: a.rows, cols: a.cols, data: out }
}

export const scaleMatrix = (s: number, a: Matrix): Matrix => ({
  rows: a.rows,
  cols: a.cols,
  data: a.data.map((x) => s * x),
})

export const frobenius = (a: Matrix): number => Math.sqrt(a.data.reduce((s, x) => s + x * x, 0))

export const frobeniusDot = (a: Matrix, b: Matrix): number => a.data.reduce((s, x, i) => s + x * b.data[i]!, 0)
