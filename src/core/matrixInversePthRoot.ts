import { checkInRange } from './hyperparams'
import { type Tensor, arrayTypeOf, fromStorage } from './tensor'
import { type Mat, eye, matmul, maxAbsDiff, squareOf } from './denseMatrix'
import { powerIteration } from './powerIteration'

/**
 * Options of {@link matrixInversePthRoot}.
 * @category core
 * @since 0.2.0
 */
export interface MatrixInversePthRootOptions {
  /** Most Newton iterations. @defaultValue 100 */
  readonly numIters?: number
  /** Ridge ε, relative to the largest eigenvalue, added to the diagonal. @defaultValue 1e-6 */
  readonly ridgeEpsilon?: number
  /** Stop when max|M − I| is below this. @defaultValue 1e-6 */
  readonly errorTolerance?: number
}

/**
 * A^(−1/p) of a symmetric positive semi-definite matrix by the coupled Newton iteration (optax.matrix_inverse_pth_root,
 * from Shampoo; Anil et al. 2020, https://arxiv.org/abs/2002.09018), after adding a ridge ε·λ_max·I. Iterations stop
 * once the error stops falling, keeping the last iterate that improved it.
 * ```text
 * M₀ = z·(A + εI),  H₀ = z^{1/p}·I,  z = (1 + p)/(2‖A + εI‖_F)
 * Mᵢ′ = (1 − α)·I + α·Mᵢ  (α = −1/p),   M_{i+1} = (Mᵢ′)ᵖ·Mᵢ,   H_{i+1} = Hᵢ·Mᵢ′        until max|M − I| < tol
 * ```
 * @returns `[A^(−1/p), error]`, the root in A's dtype and max|M − I| at the end.
 * @throws ShapeError when A is not square; HyperparameterError when p is not a positive integer.
 * @example
 * import { matrixInversePthRoot, tensor } from 'descent-ts'
 * const [r] = matrixInversePthRoot(tensor([[4, 0], [0, 16]], 'float64'), 2, { ridgeEpsilon: 0 })
 * const [[a, b], [c, d]] = r.toArray() as [[number, number], [number, number]]
 * assert.ok(Math.abs(a - 0.5) < 1e-5 && Math.abs(d - 0.25) < 1e-5 && b === 0 && c === 0)
 * @see powerIteration
 * @category core
 * @since 0.2.0
 */
export function matrixInversePthRoot(
  matrix: Tensor,
  p: number,
  options: MatrixInversePthRootOptions = {},
): readonly [Tensor, number] {
  const owner = 'matrixInversePthRoot'
  checkInRange(owner, 'p', p, '[1, Infinity)')
  if (!Number.isInteger(p)) throw new RangeError(`${owner} p must be an integer ≥ 1; got ${p}`)
  const { numIters = 100, ridgeEpsilon = 1e-6, errorTolerance = 1e-6 } = options
  const { m: a, n } = squareOf(owner, matrix)
  const out = (h: Float64Array) => fromStorage(arrayTypeOf(matrix.dtype).from(h), [n, n])
  const alpha = -1 / p
  const [maxEv] = powerIteration(fromStorage(Float64Array.from(a), [n, n]))
  const ridge = ridgeEpsilon * Math.max(maxEv, 1e-16)
  if (n === 1) return [out(Float64Array.of((a[0]! + ridge) ** alpha)), 0] as const
  const I = eye(n)
  const damped = a.map((v, i) => v + ridge * I[i]!)
  const z = (1 + p) / (2 * Math.sqrt(damped.reduce((s, v) => s + v * v, 0)))
  let M: Mat = damped.map((v) => v * z)
  let H: Mat = I.map((v) => v * z ** (1 / p))
  let oldH: Mat = H
  let error = maxAbsDiff(M, I)
  let run = true
  for (let i = 0; i < numIters && error > errorTolerance && run; i++) {
    const Mi = I.map((v, j) => (1 - alpha) * v + alpha * M[j]!)
    let P: Mat = Mi
    for (let k = 1; k < p; k++) P = matmul(P, Mi, n, n, n)
    const newM = matmul(P, M, n, n, n)
    const newH = matmul(H, Mi, n, n, n)
    const newError = maxAbsDiff(newM, I)
    run = newError < error * 1.2
    ;[oldH, H, M, error] = [H, newH, newM, newError]
  }
  return [out(run ? H : oldH), maxAbsDiff(M, I)] as const
}
