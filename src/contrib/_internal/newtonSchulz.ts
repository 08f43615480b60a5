import { type Matrix, combine, frobenius, matmul, scaleMatrix, transpose } from './matrix'

/** One (a, b, c) triple of the quintic Newton–Schulz step X ← a·X + (b·A + c·A²)·X, A = X·Xᵀ. */
export type NsCoeffs = readonly [number, number, number]

/**
 * Newton–Schulz orthogonalisation of `x` (Muon): a wide copy of x (transposed when it has more rows than columns) is
 * scaled to Frobenius norm ≤ 1, so its spectral norm is ≤ 1, then each triple of `steps` is applied once.
 */
export function orthogonalize(x: Matrix, steps: readonly NsCoeffs[], eps: number): Matrix {
  const tall = x.rows > x.cols
  let X = tall ? transpose(x) : x
  X = scaleMatrix(1 / (frobenius(X) + eps), X)
  for (const [a, b, c] of steps) {
    const A = matmul(X, transpose(X))
    const B = combine(b, A, c, matmul(A, A))
    X = combine(a, X, 1, matmul(B, X))
  }
  return tall ? transpose(X) : X
}
