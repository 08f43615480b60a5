import { checkInRange } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByAcprop}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByAcpropOptions {
  /** Decay of the first moment, in [0, 1). @defaultValue 0.9 */
  readonly b1?: number
  /** Decay of the second central moment, in [0, 1). @defaultValue 0.999 */
  readonly b2?: number
  /** Added to √ŝ in the denominator; ≥ 0. @defaultValue 1e-16 */
  readonly eps?: number
  /** Added to s at every step; ≥ 0. @defaultValue 1e-16 */
  readonly epsRoot?: number
}

/**
 * State of {@link scaleByAcprop} (AdaBelief's fields).
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByAcpropState {
  /** Number of updates done so far. */
  readonly count: number
  /** EMA of the gradients. */
  readonly mu: PyTree
  /** EMA of the squared prediction errors (g − m)², plus epsRoot per step. */
  readonly nu: PyTree
}

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }

/**
 * Rescales updates according to ACProp (asynchronous AdaBelief): the current gradient over the root of the *previous*
 * step's second central moment. See {@link acprop} for the update rule.
 *
 * ```text
 * u_t = g_t / (√ŝ_{t−1} + ε),   ŝ_{t−1} = s_{t−1}/(1−β₂ᵗ⁻¹)   (ŝ = 1 at the first step)
 * ```
 *
 * References: Zhuang et al. 2021, https://arxiv.org/abs/2110.05454
 *
 * @param options - {@link ScaleByAcpropOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAcpropState}.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByAcprop({ eps: 0 })
 * const [u] = tx.update(tensor([0.5, -2]), tx.init(tensor([0, 0])))
 * assert.deepStrictEqual(u.toArray(), [0.5, -2]) // the first step uses ŝ = 1
 * @see acprop
 * @category contrib
 * @since 0.1.0
 */
export function scaleByAcprop(options: ScaleByAcpropOptions = {}): GradientTransformation<ScaleByAcpropState> {
  const owner = 'scaleByAcprop'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-16, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 1e-16, '[0, Infinity)')

  return {
    init: (params) => ({ count: 0, mu: tree.zerosLike(params), nu: tree.zerosLike(params) }),
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const mu = tree.mapElementwiseNamed(['updates', 'state.mu'], (g, m) => b1 * m + (1 - b1) * g, updates, state.mu)
      const nu = tree.mapElementwiseNamed(
        ['updates', 'mu', 'state.nu'],
        (g, m, v) => b2 * v + (1 - b2) * (g - m) * (g - m) + epsRoot,
        updates,
        mu,
        state.nu,
      )
      const initial = state.count === 0
      const bc = 1 - b2 ** state.count
      const out = tree.mapElementwiseNamed(
        ['updates', 'state.nu'],
        (g, v) => g / (Math.sqrt(initial ? 1 : v / bc) + eps),
        updates,
        state.nu,
      )
      return [out as typeof updates, { count: state.count + 1, mu, nu }]
    },
  }
}

withHyperparamDefaults(scaleByAcprop, 0, { b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16 })
