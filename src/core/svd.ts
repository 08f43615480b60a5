/**
 * The float64 SVD of the host-side linear algebra (GaLore's projector, safeNorm's spectral and nuclear norms).
 * @internal
 */
import { type Matrix, transposeMatrix as transpose } from './denseMatrix'

/** A thin SVD A = U·diag(s)·Vᵀ: U is rows×k, V is cols×k, k = min(rows, cols), s descending. */
export interface Svd {
  readonly u: Matrix
  readonly s: Float64Array
  readonly v: Matrix
}

const MAX_SWEEPS = 40

/**
 * Thin SVD of a tall-or-square matrix (rows ≥ cols) by one-sided Jacobi rotations (Hestenes 1958; Demmel & Veselić
 * 1992): the columns of W = A·V are made pairwise orthogonal, then σⱼ = ‖Wⱼ‖ and Uⱼ = Wⱼ/σⱼ. Accurate to a few ulps
 * of ‖A‖ in float64. Columns of U for σ = 0 are completed to an orthonormal set (Gram–Schmidt on the unit vectors).
 */
function tallSvd(a: Matrix): Svd {
  const m = a.rows
  const n = a.cols
  // Column-major copies: w[j] is column j of W, v[j] column j of V.
  const w = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a.data[i * n + j]!))
  const v = Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)))
  const dot = (x: Float64Array, y: Float64Array) => {
    let acc = 0
    for (let i = 0; i < x.length; i++) acc += x[i]! * y[i]!
    return acc
  }
  const rotate = (x: Float64Array, y: Float64Array, c: number, s: number) => {
    for (let i = 0; i < x.length; i++) {
      const xi = x[i]!
      const yi = y[i]!
      x[i] = c * xi - s * yi
      y[i] = s * xi + c * yi
    }
  }
  // Columns below this squared norm are zero to working precision: rotating them only shuffles rounding noise.
  const negligible = w.reduce((acc, col) => acc + dot(col, col), 0) * (Math.max(m, n) * Number.EPSILON) ** 2
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const alpha = dot(w[p]!, w[p]!)
        const beta = dot(w[q]!, w[q]!)
        if (alpha <= negligible || beta <= negligible) continue
        const gamma = dot(w[p]!, w[q]!)
        if (Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) continue
        rotated = true
        const zeta = (beta - alpha) / (2 * gamma)
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta))
        const c = 1 / Math.sqrt(1 + t * t)
        const s = c * t
        rotate(w[p]!, w[q]!, c, s)
        rotate(v[p]!, v[q]!, c, s)
      }
    }
    if (!rotated) break
  }
  const sigma = w.map((col) => Math.sqrt(dot(col, col)))
  const order = sigma.map((_, j) => j).sort((i, j) => sigma[j]! - sigma[i]!)
  const tol = (sigma[order[0]!] ?? 0) * Math.max(m, n) * Number.EPSILON
  const kept = order.filter((j) => sigma[j]! > tol)
  const uCols = kept.map((j) => w[j]!.map((x) => x / sigma[j]!))
  const completed = completeBasis(uCols, m, n - kept.length)
  const s = Float64Array.from(order, (j) => (sigma[j]! > tol ? sigma[j]! : 0))
  return {
    u: fromColumns([...uCols, ...completed], m),
    s,
    v: fromColumns(
      order.map((j) => v[j]!),
      n,
    ),
  }
}

/**
 * `count` unit vectors orthogonal to `cols` and to each other (`cols` orthonormal, of length m): the unit vectors eᵢ,
 * in order, orthogonalised (twice, for accuracy) against what is kept so far, those that survive with norm > ½.
 */
function completeBasis(cols: readonly Float64Array[], m: number, count: number): Float64Array[] {
  const basis = [...cols]
  const out: Float64Array[] = []
  for (let i = 0; i < m && out.length < count; i++) {
    const x = new Float64Array(m)
    x[i] = 1
    for (let pass = 0; pass < 2; pass++) {
      for (const c of basis) {
        let d = 0
        for (let k = 0; k < m; k++) d += c[k]! * x[k]!
        for (let k = 0; k < m; k++) x[k] = x[k]! - d * c[k]!
      }
    }
    let nrm = 0
    for (let k = 0; k < m; k++) nrm += x[k]! * x[k]!
    nrm = Math.sqrt(nrm)
    if (nrm > 0.5) {
      const unit = x.map((xi) => xi / nrm)
      basis.push(unit)
      out.push(unit)
    }
  }
  return out
}

function fromColumns(cols: readonly Float64Array[], rows: number): Matrix {
  const k = cols.length
  const data = new Float64Array(rows * k)
  cols.forEach((c, j) => c.forEach((x, i) => (data[i * k + j] = x)))
  return { rows, cols: k, data }
}

/**
 * Fixes the sign of each singular pair so that the largest-magnitude entry of each column of U is positive (the first
 * one on ties): the SVD is unique only up to these signs, and a fixed rule makes the projector reproducible.
 */
function canonicalSigns(svd: Svd): Svd {
  const { u, v } = svd
  const ud = Float64Array.from(u.data)
  const vd = Float64Array.from(v.data)
  for (let j = 0; j < u.cols; j++) {
    let best = 0
    for (let i = 0; i < u.rows; i++) if (Math.abs(ud[i * u.cols + j]!) > Math.abs(best)) best = ud[i * u.cols + j]!
    if (best < 0) {
      for (let i = 0; i < u.rows; i++) ud[i * u.cols + j] = -ud[i * u.cols + j]!
      for (let i = 0; i < v.rows; i++) vd[i * v.cols + j] = -vd[i * v.cols + j]!
    }
  }
  return { u: { ...u, data: ud }, s: svd.s, v: { ...v, data: vd } }
}

/** The thin SVD of any matrix (float64, descending singular values, canonical signs). */
export function svd(a: Matrix): Svd {
  if (a.rows >= a.cols) return canonicalSigns(tallSvd(a))
  const t = tallSvd(transpose(a))
  return canonicalSigns({ u: t.v, s: t.s, v: t.u })
}
