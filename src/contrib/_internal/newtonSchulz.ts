import { type Matrix, combine, frobenius, matmul, scaleMatrix, transpose } from './matrix'

/** One (a, b, c) triple of the quintic Newton–Schulz step X ← a·X + (b·A + c·A²)·X, A = X·Xᵀ. */
export type NsCoeffs = readonly [number, number, number]

/** How X is scaled before (or in) the first Newton–Schulz step (optax's `preconditioning`). */
export type Preconditioning = 'frobenius' | 'spectral' | 'aol' | 'schatten'

/** optax applies its AOL / Schatten floors with the iterator's own default, not the user's eps. */
const FIRST_STEP_FLOOR = 1e-8

const step = (X: Matrix, A: Matrix, [a, b, c]: NsCoeffs): Matrix =>
  combine(a, X, 1, matmul(combine(b, A, c, matmul(A, A)), X))

/** The largest eigenvalue of a symmetric matrix, by cyclic Jacobi rotations (exact to rounding, any spectrum). */
function largestEigenvalue(s: Matrix): number {
  const n = s.rows
  const a = Float64Array.from(s.data)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2
    if (off < 1e-30 * (1 + a.reduce((t, x) => t + x * x, 0))) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!
        if (apq === 0) continue
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const sn = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!
          const akq = a[k * n + q]!
          a[k * n + p] = c * akp - sn * akq
          a[k * n + q] = sn * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!
          const aqk = a[q * n + k]!
          a[p * n + k] = c * apk - sn * aqk
          a[q * n + k] = sn * apk + c * aqk
        }
      }
    }
  }
  let max = -Infinity
  for (let i = 0; i < n; i++) max = Math.max(max, a[i * n + i]!)
  return max
}

/** ‖X‖₂, the largest singular value: √λ_max(X·Xᵀ). */
export const spectralNorm = (x: Matrix): number => Math.sqrt(Math.max(0, largestEigenvalue(matmul(x, transpose(x)))))

/** The first step with 'almost orthogonal layer' rescaling: row i of X scaled by 1/√max(Σⱼ|Aᵢⱼ|, 1e-8). */
function aolFirstStep(X: Matrix, coeffs: NsCoeffs): Matrix {
  const A = matmul(X, transpose(X))
  const n = A.rows
  const s = Array.from({ length: n }, (_, i) => {
    let r = 0
    for (let j = 0; j < n; j++) r += Math.abs(A.data[i * n + j]!)
    return 1 / Math.sqrt(Math.max(r, FIRST_STEP_FLOOR))
  })
  const Xs = { ...X, data: X.data.map((v, k) => v * s[Math.floor(k / X.cols)]!) }
  const As = { ...A, data: A.data.map((v, k) => v * s[Math.floor(k / n)]! * s[k % n]!) }
  return step(Xs, As, coeffs)
}

/** The first step with Schatten-4 rescaling: X scaled by 1/√max(‖X·Xᵀ‖_F, 1e-8). */
function schattenFirstStep(X: Matrix, coeffs: NsCoeffs): Matrix {
  const A = matmul(X, transpose(X))
  const s = 1 / Math.sqrt(Math.max(frobenius(A), FIRST_STEP_FLOOR))
  return step(scaleMatrix(s, X), scaleMatrix(s * s, A), coeffs)
}

/**
 * Newton–Schulz orthogonalisation of `x` (Muon): a wide copy of x (transposed when it has more rows than columns) is
 * scaled ('frobenius': by 1/(‖X‖_F + ε); 'spectral': by 1/(‖X‖₂ + ε); 'aol' and 'schatten': inside the first step),
 * then each triple of `steps` is applied once.
 */
export function orthogonalize(
  x: Matrix,
  steps: readonly NsCoeffs[],
  eps: number,
  preconditioning: Preconditioning = 'frobenius',
): Matrix {
  const tall = x.rows > x.cols
  let X = tall ? transpose(x) : x
  if (preconditioning === 'frobenius') X = scaleMatrix(1 / (frobenius(X) + eps), X)
  if (preconditioning === 'spectral') X = scaleMatrix(1 / (spectralNorm(X) + eps), X)
  steps.forEach((coeffs, i) => {
    if (i === 0 && preconditioning === 'aol') X = aolFirstStep(X, coeffs)
    else if (i === 0 && preconditioning === 'schatten') X = schattenFirstStep(X, coeffs)
    else X = step(X, matmul(X, transpose(X)), coeffs)
  })
  return tall ? transpose(X) : X
}
