import { DescentError, HyperparameterError } from '../core/errors'
import { type PRNGKey, prngKey, randomNormal, splitKey } from '../core/prng'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { hvp } from '../grad/hvp'
import type { Scalar } from '../grad/valueAndGrad'

/**
 * Options of {@link sharpness}.
 * @category train
 * @since 0.2.0
 */
export interface SharpnessOptions {
  /** Power-iteration steps (each one Hessian-vector product: about two gradients). @defaultValue 20 */
  readonly iterations?: number
  /** The key of the random start vector. @defaultValue prngKey(0) */
  readonly key?: PRNGKey
}

/**
 * The sharpness of a loss at `params`: the Hessian's eigenvalue of largest magnitude, λ_max, by power iteration on
 * Hessian-vector products ({@link hvp}), from a random start. Gradient descent with step η is stable near a minimum
 * only while η < 2/λ_max (the edge of stability, Cohen et al., ICLR 2021), so `2 / lambda` is the largest stable
 * learning rate for GD there.
 * ```text
 * v₀ ~ N(0, I)/‖·‖      w = H·v_k      λ_k = v_kᵀ·w      v_{k+1} = w/‖w‖
 * ```
 * Number leaves of the params are held fixed (only tensor leaves are perturbed).
 * @param loss - `(params, batch) => scalar Tensor`, written with descent ops.
 * @returns `{ lambda, maxStableLr }` with `maxStableLr = 2/|λ|` (∞ when λ = 0).
 * @example
 * import { ops, sharpness, tensor, type Tensor } from 'descent-ts'
 * // f(w) = ½·(3·w₀² + w₁²): Hessian diag(3, 1), λ_max = 3, largest stable GD step 2/3.
 * const loss = (p: { w: Tensor }, _b: null) => ops.mul(0.5, ops.sum(ops.mul(tensor([3, 1], 'float64'), ops.square(p.w))))
 * const { lambda, maxStableLr } = sharpness(loss, { w: tensor([1, 1], 'float64') }, null, { iterations: 50 })
 * assert.ok(Math.abs(lambda - 3) < 1e-6 && Math.abs(maxStableLr - 2 / 3) < 1e-6)
 * @category train
 * @since 0.2.0
 */
export function sharpness<P extends PyTree, B>(
  loss: (params: P, batch: B) => unknown,
  params: P,
  batch: B,
  options: SharpnessOptions = {},
): { readonly lambda: number; readonly maxStableLr: number } {
  const iterations = options.iterations ?? 20
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new HyperparameterError(`sharpness options.iterations must be a positive integer; got ${String(iterations)}`)
  }
  const f = (p: P) => loss(p, batch) as Scalar
  const leaves = tree.leaves(params)
  const keys = splitKey(options.key ?? prngKey(0), Math.max(1, leaves.length))
  let i = 0
  let v = tree.map((x) => (isTensor(x) ? randomNormal(keys[i++]!, x.shape, { dtype: x.dtype }) : 0), params) as P
  v = tree.scale(1 / tree.norm(v), v) as P
  if (!Number.isFinite(tree.norm(v))) throw new DescentError('sharpness: the params have no tensor leaf to perturb')
  let lambda = 0
  for (let k = 0; k < iterations; k++) {
    const w = tree.map((x) => (isTensor(x) ? x : 0), hvp(f, [params], [v]) as PyTree) as P
    lambda = tree.vdot(v, w)
    const n = tree.norm(w)
    if (n === 0 || !Number.isFinite(n)) break
    v = tree.scale(1 / n, w) as P
  }
  return { lambda, maxStableLr: lambda === 0 ? Infinity : 2 / Math.abs(lambda) }
}
