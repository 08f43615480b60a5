import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { Leaf, PyTree } from '../core/types'
import { grad } from './grad'
import { hvp } from './hvp'
import { concrete } from './trace'

/** The values of a tree's leaves, raveled in leaf order, and the output dtype (float64 if any leaf is). */
function ravel(t: PyTree): { values: number[]; dtype: 'float32' | 'float64' } {
  const values: number[] = []
  let dtype: 'float32' | 'float64' = 'float32'
  for (const l of tree.leaves(t)) {
    if (isTensor(l)) {
      if (l.dtype === 'float64') dtype = 'float64'
      for (const v of concrete(l).data) values.push(v)
    } else {
      dtype = 'float64'
      values.push(Number(l))
    }
  }
  return { values, dtype }
}

/** The i-th basis vector e_i of the raveled params, in the params' structure. */
function basis<P extends PyTree>(params: P, i: number): P {
  let offset = 0
  return tree.map((l): Leaf => {
    const size = isTensor(l) ? l.size : 1
    const at = i - offset
    offset += size
    if (!isTensor(l)) return at === 0 ? 1 : 0
    const data = new (arrayTypeOf(l.dtype))(l.size)
    if (at >= 0 && at < size) data[at] = 1
    return fromStorage(data, l.shape)
  }, params)
}

/**
 * The diagonal of the Hessian of `loss(params, inputs, targets)` with respect to the params, raveled in leaf order
 * (optax.second_order.hessian_diag): one Hessian-vector product per parameter, so keep it to small models.
 * ```text
 * diag(H)ᵢ = eᵢᵀ·∇²L(θ)·eᵢ
 * ```
 * @returns a 1-d tensor with one entry per parameter.
 * @example
 * import { hessianDiag, mul, ops, tensor } from 'descent-ts'
 * // L = Σ θ³·x: diag(H) = 6θ·x
 * const L = (p: ReturnType<typeof tensor>, x: ReturnType<typeof tensor>) => ops.sum(mul(mul(mul(p, p), p), x))
 * const d = hessianDiag(L, tensor([1, 2], 'float64'), tensor([1, 3], 'float64'), tensor([0, 0], 'float64'))
 * assert.deepStrictEqual(d.toArray(), [6, 36])
 * @see fisherDiag, hvp
 * @category grad
 * @since 0.2.0
 */
export function hessianDiag<P extends PyTree, I, T>(
  loss: (params: P, inputs: I, targets: T) => Tensor,
  params: P,
  inputs: I,
  targets: T,
): Tensor {
  const { values, dtype } = ravel(params)
  const f = (p: P) => loss(p, inputs, targets)
  const out = values.map((_, i) => ravel(hvp(f, [params], [basis(params, i)]) as PyTree).values[i]!)
  return fromStorage(arrayTypeOf(dtype).from(out), [out.length])
}

/**
 * The diagonal of the empirical Fisher information, the squared gradient of the negative log-likelihood, raveled in
 * leaf order (optax.second_order.fisher_diag).
 * ```text
 * diag(F)ᵢ = (∂/∂θᵢ NLL(θ))²
 * ```
 * @returns a 1-d tensor with one entry per parameter.
 * @example
 * import { fisherDiag, mul, ops, tensor } from 'descent-ts'
 * const nll = (p: { w: ReturnType<typeof tensor> }, x: ReturnType<typeof tensor>) => ops.sum(mul(p.w, x))
 * const d = fisherDiag(nll, { w: tensor([1, 1], 'float64') }, tensor([2, -3], 'float64'), null)
 * assert.deepStrictEqual(d.toArray(), [4, 9])
 * @see hessianDiag
 * @category grad
 * @since 0.2.0
 */
export function fisherDiag<P extends PyTree, I, T>(
  negativeLogLikelihood: (params: P, inputs: I, targets: T) => Tensor,
  params: P,
  inputs: I,
  targets: T,
): Tensor {
  const g = grad((p: P) => negativeLogLikelihood(p, inputs, targets))(params) as PyTree
  const { values, dtype } = ravel(g)
  return fromStorage(arrayTypeOf(dtype).from(values.map((v) => v * v)), [values.length])
}
