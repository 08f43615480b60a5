import { type DType, type PRNGKey, type Tensor, prngKey, randomNormal, splitKey, tensor } from '../../src/index'

/**
 * An optimisation target with a hand-written gradient, for convergence tests (optax's `alias_test.py` targets).
 * `grad` returns a tensor of the params' dtype; the arithmetic is done in float64 and rounded once into that dtype.
 */
export interface Problem {
  readonly name: string
  readonly initialParams: Tensor
  /** The minimiser. */
  readonly finalParams: Tensor
  readonly loss: (params: Tensor) => number
  readonly grad: (params: Tensor) => Tensor
}

const vec = (x: Tensor): Float64Array => Float64Array.from(x.data)

/**
 * optax's `_setup_parabola`: `f(x) = Σᵢ (xᵢ − x*ᵢ)²` from `[−1, 10, 1]` to `x* = [1, −1, 1]`.
 * ```text
 * ∇f(x) = 2·(x − x*)
 * ```
 */
export function parabola(dtype: DType = 'float32'): Problem {
  const target = [1, -1, 1]
  return {
    name: 'parabola',
    initialParams: tensor([-1, 10, 1], dtype),
    finalParams: tensor(target, dtype),
    loss: (x) => vec(x).reduce((s, xi, i) => s + (xi - target[i]!) ** 2, 0),
    grad: (x) =>
      tensor(
        Array.from(vec(x), (xi, i) => 2 * (xi - target[i]!)),
        dtype,
      ),
  }
}

/**
 * optax's `_setup_rosenbrock` with a = 1, b = 100: `f(x, y) = (a − x)² + b·(y − x²)²`,
 * from `[0, 0]` to `[a, a²] = [1, 1]`.
 * ```text
 * ∂f/∂x = −2·(a − x) − 4b·x·(y − x²)      ∂f/∂y = 2b·(y − x²)
 * ```
 */
export function rosenbrock(dtype: DType = 'float32'): Problem {
  const a = 1
  const b = 100
  const xy = (p: Tensor): readonly [number, number] => [p.data[0]!, p.data[1]!]
  return {
    name: 'rosenbrock',
    initialParams: tensor([0, 0], dtype),
    finalParams: tensor([a, a * a], dtype),
    loss: (p) => {
      const [x, y] = xy(p)
      return (a - x) ** 2 + b * (y - x * x) ** 2
    },
    grad: (p) => {
      const [x, y] = xy(p)
      return tensor([-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)], dtype)
    },
  }
}

/** Options of {@link leastSquares}. */
export interface LeastSquaresOptions {
  /** Number of unknowns. @defaultValue 10 */
  readonly n?: number
  /** Number of equations (m ≥ n). @defaultValue 20 */
  readonly m?: number
  /** Condition number κ of the Hessian AᵀA (its eigenvalues are log-spaced in [1/κ, 1]). @defaultValue 1e3 */
  readonly conditionNumber?: number
  /** Seed of the PRNG key for A's singular vectors and x*. @defaultValue 0 */
  readonly seed?: number
  /** @defaultValue 'float64' */
  readonly dtype?: DType
}

/** A least-squares {@link Problem} with its matrix, spectrum and minimum. */
export interface LeastSquaresProblem extends Problem {
  /** Row-major m×n matrix. */
  readonly a: Float64Array
  readonly b: Float64Array
  /** Smallest and largest Hessian eigenvalues: μ = 1/κ and L = 1. */
  readonly mu: number
  readonly lipschitz: number
  /** The minimum value of the loss (0: b = A·x*). */
  readonly minLoss: number
}

/** Orthonormal columns (rows × cols, rows ≥ cols) by modified Gram–Schmidt of a random normal matrix. */
function orthonormalColumns(g: Float64Array, rows: number, cols: number): Float64Array {
  const q = Float64Array.from(g)
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0
      for (let i = 0; i < rows; i++) dot += q[i * cols + j]! * q[i * cols + k]!
      for (let i = 0; i < rows; i++) q[i * cols + j] = q[i * cols + j]! - dot * q[i * cols + k]!
    }
    let nrm = 0
    for (let i = 0; i < rows; i++) nrm += q[i * cols + j]! ** 2
    nrm = Math.sqrt(nrm)
    for (let i = 0; i < rows; i++) q[i * cols + j] = q[i * cols + j]! / nrm
  }
  return q
}

/**
 * A random, ill-conditioned least-squares problem `f(x) = ½‖A·x − b‖²`, built in float64 from a fixed PRNG key:
 * `A = U·diag(σ)·Vᵀ` with random orthonormal U (m×n) and V (n×n) and σᵢ = κ^(−i/(2(n−1))), so the Hessian AᵀA has
 * eigenvalues log-spaced from 1 down to 1/κ; `b = A·x*` with x* ~ N(0, 1), so the minimum is 0 at x*. Starts at 0.
 * ```text
 * ∇f(x) = Aᵀ·(A·x − b)
 * ```
 */
export function leastSquares(options: LeastSquaresOptions = {}): LeastSquaresProblem {
  const { n = 10, m = 20, conditionNumber = 1e3, seed = 0, dtype = 'float64' } = options
  const [k1, k2, k3] = splitKey(prngKey(seed), 3) as [PRNGKey, PRNGKey, PRNGKey]
  const u = orthonormalColumns(Float64Array.from(randomNormal(k1, [m, n], { dtype: 'float64' }).data), m, n)
  const v = orthonormalColumns(Float64Array.from(randomNormal(k2, [n, n], { dtype: 'float64' }).data), n, n)
  const sigma = Array.from({ length: n }, (_, i) => conditionNumber ** (-i / (2 * Math.max(n - 1, 1))))
  const a = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let k = 0; k < n; k++) s += u[i * n + k]! * sigma[k]! * v[j * n + k]!
      a[i * n + j] = s
    }
  }
  const xStar = Float64Array.from(randomNormal(k3, [n], { dtype: 'float64' }).data)
  const matVec = (x: ArrayLike<number>): Float64Array =>
    Float64Array.from({ length: m }, (_, i) => {
      let s = 0
      for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!
      return s
    })
  const b = matVec(xStar)
  const residual = (x: Tensor): Float64Array => {
    const r = matVec(x.data)
    for (let i = 0; i < m; i++) r[i] = r[i]! - b[i]!
    return r
  }
  return {
    name: 'leastSquares',
    initialParams: tensor(new Array<number>(n).fill(0), dtype),
    finalParams: tensor(Array.from(xStar), dtype),
    loss: (x) => 0.5 * residual(x).reduce((s, r) => s + r * r, 0),
    grad: (x) => {
      const r = residual(x)
      return tensor(
        Array.from({ length: n }, (_, j) => {
          let s = 0
          for (let i = 0; i < m; i++) s += a[i * n + j]! * r[i]!
          return s
        }),
        dtype,
      )
    },
    a,
    b,
    mu: 1 / conditionNumber,
    lipschitz: 1,
    minLoss: 0,
  }
}
