import { DescentError } from '../../core/errors'
import type { PRNGKey } from '../../core/prng'
import { splitKey } from '../../core/prng'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { hvp } from '../../grad/hvp'
import type { Scalar } from '../../grad/valueAndGrad'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { checkKey, rademacherLike } from '../_internal/randomLike'

/**
 * Options of {@link hutchinsonEstimatorDiagHessian}.
 * @category contrib
 * @since 0.1.0
 */
export interface HutchinsonEstimatorDiagHessianOptions {
  /** The random key (a PRNGKey) or an integer seed. @defaultValue 0 */
  readonly key?: PRNGKey | number
  /** optax's name for `key` (`random_seed`); used when `key` is absent. @defaultValue 0 */
  readonly randomSeed?: PRNGKey | number
}

/**
 * State of {@link hutchinsonEstimatorDiagHessian}: the key the next update splits.
 * @category contrib
 * @since 0.1.0
 */
export interface HutchinsonState {
  /** The key the next update splits. */
  readonly key: PRNGKey
}

const STATE: StateSpec = { key: ['number', 'number'] }

/**
 * Hutchinson's estimator of the Hessian diagonal: an unbiased (high-variance) estimate from one Hessian-vector product
 * with random signs. It ignores the incoming updates and returns the estimate; the loss comes as the extra argument
 * `objFn` (a function of the params written with descent ops, so that `hvp` can differentiate it twice).
 *
 * ```text
 * (key, k) = split(key),   v ~ Rademacher(k) (±1 each),   u = v ⊙ (∇²f(θ)·v)        E[u] = diag ∇²f(θ)
 * ```
 *
 * References: Hutchinson 1989; Liu et al. 2023 (Sophia-H), https://arxiv.org/abs/2305.14342
 *
 * @param options - {@link HutchinsonEstimatorDiagHessianOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link HutchinsonState}; `update` needs the params and
 * `extra.objFn`.
 * @example
 * import { contrib, mul, ops, tensor } from 'descent-ts'
 * const a = tensor([1, 4, 9])
 * const f = (x: ReturnType<typeof tensor>) => ops.sum(mul(a, mul(x, x))) // diag Hessian 2a: the estimate is exact
 * const tx = contrib.hutchinsonEstimatorDiagHessian({ key: 1 })
 * const x = tensor([0.5, -1, 2])
 * const [d] = tx.update(x, tx.init(x), x, { objFn: f })
 * assert.deepStrictEqual(d.toArray(), [2, 8, 18])
 * @see sophia, scaleBySophia, hvp
 * @category contrib
 * @since 0.1.0
 */
export function hutchinsonEstimatorDiagHessian(
  options: HutchinsonEstimatorDiagHessianOptions = {},
): GradientTransformation<HutchinsonState> {
  const owner = 'hutchinsonEstimatorDiagHessian'
  const key = checkKey(owner, 'options.key', options.key ?? options.randomSeed ?? 0)
  return {
    init: (params) => (tree.validate(params, 'params'), { key }),
    update: (updates, state, params, extra) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.sophia' })
      checkState(owner, state, STATE, updates, x)
      const objFn = extra?.objFn
      if (typeof objFn !== 'function') {
        throw new DescentError(
          `${owner} needs the loss as the extra argument objFn: update(grads, state, params, { objFn: (params) => loss }),` +
            ' with the loss written with descent ops (it is differentiated twice).',
        )
      }
      const [next, sub] = splitKey(state.key) as [PRNGKey, PRNGKey]
      const signs = rademacherLike(sub, x)
      const hv = hvp(objFn as (p: PyTree) => Scalar, [x], [signs]) as PyTree
      const product = tree.mapElementwiseNamed(['Hv', 'signs'], (h, r) => h * r, hv, signs)
      return [product as typeof updates, { key: next }]
    },
  }
}
