import { checkInRange, checkInteger } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from '../../transforms/_internal/accumulatorDtype'
import type { DType } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { checkTransformation } from '../../transforms/_internal/isTransformation'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { hutchinsonEstimatorDiagHessian } from './hutchinsonEstimatorDiagHessian'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleBySophia}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleBySophiaOptions {
  /** Decay of the momentum, in [0, 1). @defaultValue 0.965 */
  readonly b1?: number
  /** Decay of the Hessian-diagonal EMA (per Hessian update), in [0, 1). @defaultValue 0.99 */
  readonly b2?: number
  /** Lower bound of γ·h in the denominator; > 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Scale γ of the Hessian diagonal; > 0. @defaultValue 0.01 */
  readonly gamma?: number
  /** Clip the preconditioned update to ±clipThreshold (`null`: no clipping). @defaultValue 1 */
  readonly clipThreshold?: number | null
  /** The Hessian diagonal is re-estimated every `updateInterval` steps (an integer ≥ 1). @defaultValue 10 */
  readonly updateInterval?: number
  /**
   * The transform estimating the Hessian diagonal from (grads, its state, params, extra).
   * @defaultValue hutchinsonEstimatorDiagHessian() (needs `extra.objFn`)
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly hessianDiagonalFn?: GradientTransformation<any>
  /** The dtype of the first moment `mu` (optax's `mu_dtype`). @defaultValue the dtype of each param */
  readonly muDtype?: DType | undefined
}

/**
 * State of {@link scaleBySophia}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleBySophiaState {
  /** Number of updates done so far. */
  readonly count: number
  /** EMA of the gradients. */
  readonly mu: PyTree
  /** EMA of the Hessian-diagonal estimates. */
  readonly nu: PyTree
  /** The Hessian estimator's state. */
  readonly hessianFnState: unknown
}

/**
 * Rescales updates according to Sophia: bias-corrected momentum over a clipped Hessian-diagonal preconditioner. See
 * {@link sophia} for the update rule.
 *
 * ```text
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t,   u_t = clip( m_t/(1−β₁ᵗ) / max(γ·h_{t−1}, ε), ±ρ )
 * h_t = β₂·h_{t−1} + (1−β₂)·ĥ_t  when count % k = 0 (ĥ from hessianDiagonalFn), else h_t = h_{t−1}
 * ```
 *
 * References: Liu et al. 2023, https://arxiv.org/abs/2305.14342
 *
 * @param options - {@link ScaleBySophiaOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleBySophiaState}; `update` needs the params
 * (and whatever extra arguments the Hessian estimator needs: `objFn` for the default).
 * @example
 * import { contrib, mul, ops, tensor } from 'descent-ts'
 * const tx = contrib.scaleBySophia()
 * const x = tensor([1, -2])
 * const f = (p: ReturnType<typeof tensor>) => ops.sum(mul(p, p))
 * const [u] = tx.update(tensor([2, -4]), tx.init(x), x, { objFn: f })
 * // h₀ = 0, so the first step is clip(g/ε, ±1) = sign(g).
 * assert.deepStrictEqual(u.toArray(), [1, -1])
 * @see sophia, hutchinsonEstimatorDiagHessian
 * @category contrib
 * @since 0.1.0
 */
export function scaleBySophia(options: ScaleBySophiaOptions = {}): GradientTransformation<ScaleBySophiaState> {
  const owner = 'scaleBySophia'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.965, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.99, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '(0, Infinity)')
  const gamma = checkInRange(owner, 'options.gamma', options.gamma ?? 0.01, '(0, Infinity)')
  const clip = options.clipThreshold === null ? Infinity : (options.clipThreshold ?? 1)
  checkInRange(owner, 'options.clipThreshold', clip, '(0, Infinity]')
  const interval = checkInteger(owner, 'options.updateInterval', options.updateInterval ?? 10, '[1, Infinity)')
  const hessianFn = options.hessianDiagonalFn ?? hutchinsonEstimatorDiagHessian()
  checkTransformation(owner, 'options.hessianDiagonalFn', hessianFn as GradientTransformation<unknown>)
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const STATE: StateSpec = { count: 'count', mu: momentSpec(muDtype), nu: 'tree', hessianFnState: 'any' }

  return {
    init: (params) => ({
      count: 0,
      mu: inDtype(tree.zerosLike(params), muDtype),
      nu: tree.zerosLike(params),
      hessianFnState: hessianFn.init(params),
    }),
    update: (updates, state, params, extra) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.sophia' })
      checkState(owner, state, STATE, updates, x)
      const t = state.count + 1
      const mu = tree.mapElementwiseNamed(['updates', 'state.mu'], (g, m) => b1 * m + (1 - b1) * g, updates, state.mu)
      const bc = 1 - b1 ** t
      const out = tree.mapElementwiseNamed(
        ['mu', 'state.nu'],
        (m, h) => Math.min(clip, Math.max(-clip, m / bc / Math.max(gamma * h, eps))),
        mu,
        state.nu,
      )
      let { nu, hessianFnState } = state
      if (state.count % interval === 0) {
        const [diag, next] = hessianFn.update(updates, state.hessianFnState, x, extra)
        nu = tree.mapElementwiseNamed(['Hessian diagonal', 'state.nu'], (d, h) => b2 * h + (1 - b2) * d, diag, nu)
        hessianFnState = next
      }
      return [out as typeof updates, { count: t, mu: inDtype(mu, muDtype), nu, hessianFnState }]
    },
  }
}

withHyperparamDefaults(scaleBySophia, 0, {
  b1: 0.965,
  b2: 0.99,
  eps: 1e-8,
  gamma: 0.01,
  clipThreshold: 1,
  updateInterval: 10,
})
