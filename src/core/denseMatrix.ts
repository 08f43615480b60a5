/**
 * Small dense float64 matrix helpers (row-major arrays) for the host-side linear algebra.
 * @internal
 */
import { ShapeError } from './errors'
import type { Tensor } from './tensor'

export type Mat = Float64Array

/** A dense row-major matrix in float64 with its shape (the working precision of the matrix algorithms). */
export interface Matrix {
  readonly rows: number
  readonly cols: number
  readonly data: Float64Array
}

export function transposeMatrix(a: Matrix): Matrix {
  const out = new Float64Array(a.rows * a.cols)
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!
  return { rows: a.cols, cols: a.rows, data: out }
}

/** The n×n matrix of a square rank-2 tensor, as float64. */
export function squareOf(owner: string, a: Tensor): { m: Mat; n: number } {
  if (a.shape.length !== 2 || a.shape[0] !== a.shape[1]) {
    throw new ShapeError(`${owner}: the matrix must be square (rank 2, n×n); got shape [${a.shape.join(',')}].`)
  }
  return { m: Float64Array.from(a.data), n: a.shape[0]! }
}

export function matmul(a: Mat, b: Mat, n: number, k: number, m: number): Mat {
  const out = new Float64Array(n * m)
  for (let i = 0; i < n; i++)
    for (let l = 0; l < k; l++) {
      const v = a[i * k + l]!
      if (v !== 0) for (let j = 0; j < m; j++) out[i * m + j] = out[i * m + j]! + v * b[l * m + j]!
    }
  return out
}

export function eye(n: number): Mat {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) out[i * n + i] = 1
  return out
}

export const maxAbsDiff = (a: Mat, b: Mat): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)
