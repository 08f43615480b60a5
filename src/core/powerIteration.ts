import { DescentError } from './errors'
import { prngKey, randomUniform } from './prng'
import { type Tensor, arrayTypeOf, fromStorage } from './tensor'
import * as tree from './tree'
import type { PRNGKey } from './prng'
import type { PyTree } from './types'
import { matmul, squareOf } from './denseMatrix'

/**
 * Options of {@link powerIteration}.
 * @category core
 * @since 0.2.0
 */
export interface PowerIterationOptions<T extends PyTree> {
  /** The starting vector (required when the matrix is a function). @defaultValue uniform in [−1, 1) from `key` */
  readonly v0?: T
  /** Most iterations. @defaultValue 100 */
  readonly numIters?: number
  /** Stop when ‖Av − λv‖/|λ| is below this. @defaultValue 1e-6 */
  readonly errorTolerance?: number
  /** Key of the random start (matrix case). @defaultValue prngKey(0) */
  readonly key?: PRNGKey
}

const normalize = <T extends PyTree>(x: T): T => tree.scale(1 / tree.norm(x), x)

/**
 * The eigenvalue of largest magnitude and its eigenvector, by power iteration (optax.power_iteration). The matrix is
 * a square tensor or a function computing the product A·v on pytrees (a Hessian-vector product, for example).
 * ```text
 * v ← A·v/‖A·v‖,   λ = ⟨v, A·v⟩,   until ‖A·v − λ·v‖ < tol·|λ| or numIters
 * ```
 * @returns `[eigenvalue, eigenvector]` with ‖eigenvector‖ = 1.
 * @throws DescentError when a function is given without `v0`, or the iteration reaches the zero vector.
 * @example
 * import { powerIteration, tensor } from 'descent-ts'
 * const [lambda, v] = powerIteration(tensor([[2, 0], [0, -5]], 'float64'))
 * assert.ok(Math.abs(lambda + 5) < 1e-9)
 * assert.ok(Math.abs(Math.abs((v.toArray() as number[])[1]!) - 1) < 1e-6)
 * @see sharpness
 * @category core
 * @since 0.2.0
 */
export function powerIteration<T extends PyTree = Tensor>(
  matrix: Tensor | ((v: T) => T),
  options: PowerIterationOptions<T> = {},
): readonly [number, T] {
  const { numIters = 100, errorTolerance = 1e-6 } = options
  let mvp: (v: T) => T
  let v0: T
  if (typeof matrix === 'function') {
    if (options.v0 === undefined) {
      throw new DescentError(
        'powerIteration: v0 must be given when the matrix is a function (it fixes the vector shape).',
      )
    }
    mvp = matrix
    v0 = options.v0
  } else {
    const { m, n } = squareOf('powerIteration', matrix)
    const Out = arrayTypeOf(matrix.dtype)
    mvp = (v) => fromStorage(Out.from(matmul(m, Float64Array.from((v as Tensor).data), n, n, 1)), [n]) as T
    v0 =
      options.v0 ?? (randomUniform(options.key ?? prngKey(0), [n], { minval: -1, maxval: 1, dtype: matrix.dtype }) as T)
  }
  let eigvec = normalize(v0)
  let z = mvp(eigvec)
  let eig = 0
  for (let i = 0; i < numIters; i++) {
    if (i > 0 && Math.abs(tree.norm(tree.sub(z, tree.scale(eig, eigvec))) / eig) < errorTolerance) break
    const n = tree.norm(z)
    if (!(n > 0)) throw new DescentError('powerIteration: A·v is 0 (v is in the null space); try another v0 or key.')
    eigvec = normalize(z)
    z = mvp(eigvec)
    eig = tree.vdot(eigvec, z)
  }
  return [eig, normalize(z)] as const
}
