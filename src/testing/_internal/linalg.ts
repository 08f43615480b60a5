/** Small dense float64 linear algebra for the theorem problem families (d ≤ a few dozen, so plain loops). */
export type Vec = Float64Array

export const dot = (a: Vec, b: Vec): number => a.reduce((s, ai, i) => s + ai * b[i]!, 0)
export const sub = (a: Vec, b: Vec): Vec => a.map((ai, i) => ai - b[i]!)
export const norm2 = (a: Vec): number => dot(a, a)
export const norm = (a: Vec): number => Math.sqrt(dot(a, a))
export const normInf = (a: Vec): number => a.reduce((m, ai) => Math.max(m, Math.abs(ai)), 0)
export const matVec = (A: readonly Vec[], x: Vec): Vec => Float64Array.from(A, (row) => dot(row, x))

/**
 * A random orthogonal matrix: the product of the Householder reflections H = I − 2vvᵀ/‖v‖² of the given vectors
 * (vectors too short to normalise safely are skipped; no vector gives I).
 */
export function householderProduct(n: number, vs: readonly (readonly number[])[]): Vec[] {
  let Q = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))
  for (const v of vs) {
    const vv = v.reduce((s, x) => s + x * x, 0)
    if (vv < 1e-6) continue
    const Qv = Q.map((row) => row.reduce((s, q, j) => s + q * v[j]!, 0))
    Q = Q.map((row, i) => row.map((q, j) => q - (2 * Qv[i]! * v[j]!) / vv))
  }
  return Q
}

/** A = Q·diag(λ)·Qᵀ, computed on the upper triangle and mirrored so that it is exactly symmetric. */
export function symmetricFromSpectrum(Q: readonly Vec[], lambda: readonly number[]): Vec[] {
  const n = lambda.length
  const A = Array.from({ length: n }, () => new Float64Array(n))
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0
      for (let k = 0; k < n; k++) s += Q[i]![k]! * lambda[k]! * Q[j]![k]!
      A[i]![j] = s
      A[j]![i] = s
    }
  }
  return A
}
