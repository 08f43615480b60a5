import { ShapeError } from './errors'
import { type Tensor, arrayTypeOf, fromStorage } from './tensor'
import { matmul } from './denseMatrix'

/**
 * Options of {@link nnls}.
 * @category core
 * @since 0.2.0
 */
export interface NnlsOptions {
  /** A Lipschitz constant of the gradient, ≥ ‖AᵀA‖₂. @defaultValue min(‖AᵀA‖_F, ‖AᵀA‖₁) */
  readonly L?: number
}

/**
 * Non-negative least squares by accelerated projected gradient (optax.nnls; FISTA on ½‖Ax − b‖² over x ≥ 0), for a
 * fixed number of iterations. `b` is a vector or a matrix (one problem per column).
 * ```text
 * min_{x ≥ 0} ½‖A·x − b‖²        Q = AᵀA, q = Aᵀb
 * x_{k+1} = max(p_k − (Q·p_k − q)/L, 0),   p_{k+1} = x_{k+1} + ((c_k − 1)/c_{k+1})·(x_{k+1} − x_k),   c_{k+1} = (1 + √(1 + 4c_k²))/2
 * ```
 * @returns x, of shape `[A.shape[1], ...b.shape.slice(1)]`.
 * @throws ShapeError when A is not a matrix or b does not have A's row count.
 * @example
 * import { nnls, tensor } from 'descent-ts'
 * // the unconstrained solution (1, −1) is infeasible; the answer clips the second coordinate and refits the first
 * const A = tensor([[1, 0], [0, 1], [1, 1]], 'float64')
 * const x = nnls(A, tensor([1, -1, 0], 'float64'), 500).toArray() as number[]
 * assert.ok(Math.abs(x[0]! - 0.5) < 1e-9 && x[1] === 0)
 * @category core
 * @since 0.2.0
 */
export function nnls(A: Tensor, b: Tensor, iters: number, options: NnlsOptions = {}): Tensor {
  if (A.shape.length !== 2 || (b.shape.length !== 1 && b.shape.length !== 2) || b.shape[0] !== A.shape[0]) {
    throw new ShapeError(
      `nnls: A must be [m, n] and b [m] or [m, k]; got A [${A.shape.join(',')}] and b [${b.shape.join(',')}].`,
    )
  }
  const [m, n] = [A.shape[0]!, A.shape[1]!]
  const k = b.shape.length === 2 ? b.shape[1]! : 1
  const a = Float64Array.from(A.data)
  const at = new Float64Array(n * m)
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j]!
  const Q = matmul(at, a, n, m, n)
  const q = matmul(at, Float64Array.from(b.data), n, m, k)
  let L = options.L
  if (L === undefined) {
    const fro = Math.sqrt(Q.reduce((s, v) => s + v * v, 0))
    let one = 0
    for (let j = 0; j < n; j++) {
      let c = 0
      for (let i = 0; i < n; i++) c += Math.abs(Q[i * n + j]!)
      one = Math.max(one, c)
    }
    L = Math.min(fro, one)
  }
  if (L === 0) L = 1
  let x = new Float64Array(n * k)
  let p = x
  let c = 0
  for (let it = 0; it < iters; it++) {
    const cn = (1 + Math.sqrt(1 + 4 * c * c)) / 2
    const s = (c - 1) / cn
    const Qp = matmul(Q, p, n, n, k)
    const xn = p.map((v, i) => Math.max(v - (Qp[i]! - q[i]!) / L!, 0))
    p = xn.map((v, i) => v + s * (v - x[i]!))
    x = xn
    c = cn
  }
  return fromStorage(arrayTypeOf(b.dtype).from(x), [n, ...b.shape.slice(1)])
}
