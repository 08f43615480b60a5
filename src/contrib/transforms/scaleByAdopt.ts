import { HyperparameterError } from '../../core/errors'
import { checkBoolean, checkInRange } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from '../../transforms/_internal/accumulatorDtype'
import type { DType } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByAdopt}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByAdoptOptions {
  /** Decay of the first moment (of the normalised gradients), in [0, 1). @defaultValue 0.9 */
  readonly b1?: number
  /** Decay of the second moment, in [0, 1). @defaultValue 0.9999 */
  readonly b2?: number
  /** Lower bound of √v in the normalisation; ≥ 0. @defaultValue 1e-6 */
  readonly eps?: number
  /** Nesterov momentum. @defaultValue false */
  readonly nesterov?: boolean
  /** Clip the normalised gradient to [−c(count), c(count)]. @defaultValue true */
  readonly useClipping?: boolean
  /** The clipping value as a function of the step count (from 0). @defaultValue (count) => count^0.25 */
  readonly clipValueFn?: (count: number) => number
  /** The dtype of the first moment `mu` (optax's `mu_dtype`). @defaultValue the dtype of each param */
  readonly muDtype?: DType | undefined
}

/**
 * State of {@link scaleByAdopt} (the same fields as Adam's).
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByAdoptState {
  /** Number of updates done so far. */
  readonly count: number
  /** EMA of the normalised, clipped gradients. */
  readonly mu: PyTree
  /** EMA of the squared gradients (the first step sets it to g²). */
  readonly nu: PyTree
}

/**
 * Rescales updates according to ADOPT. See {@link adopt} for the update rule.
 *
 * ```text
 * count 0:  v ← g₀², m ← 0, u = 0
 * then:     n_t = clip(g_t / max(√v_{t−1}, ε), ±count^¼);  m_t = β₁·m_{t−1} + (1−β₁)·n_t;  v_t = β₂·v_{t−1} + (1−β₂)·g_t²
 *           u_t = m_t   (nesterov: β₁·m_t + (1−β₁)·n_t)
 * ```
 *
 * References: Taniguchi et al. 2024, https://arxiv.org/abs/2411.02853
 *
 * @param options - {@link ScaleByAdoptOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAdoptState}.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByAdopt()
 * const [u0, s1] = tx.update(tensor([2]), tx.init(tensor([0])))
 * assert.deepStrictEqual(u0.toArray(), [0]) // the first step only initialises v = g²
 * const [u1] = tx.update(tensor([-1]), s1)
 * assert.ok(Math.abs((u1.toArray() as number[])[0]! - 0.1 * -0.5) < 1e-7) // (1−β₁)·g₁/|g₀|
 * @see adopt
 * @category contrib
 * @since 0.1.0
 */
export function scaleByAdopt(options: ScaleByAdoptOptions = {}): GradientTransformation<ScaleByAdoptState> {
  const owner = 'scaleByAdopt'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.9999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-6, '[0, Infinity)')
  const nesterov = checkBoolean(owner, 'options.nesterov', options.nesterov ?? false)
  const useClipping = checkBoolean(owner, 'options.useClipping', options.useClipping ?? true)
  const clipValueFn = options.clipValueFn ?? ((count: number) => count ** 0.25)
  if (typeof clipValueFn !== 'function')
    throw new HyperparameterError(`${owner} options.clipValueFn must be a function (count) => number`)
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const STATE: StateSpec = { count: 'count', mu: momentSpec(muDtype), nu: 'tree' }

  return {
    init: (params) => ({ count: 0, mu: inDtype(tree.zerosLike(params), muDtype), nu: tree.zerosLike(params) }),
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const first = state.count === 0
      const beta1 = first ? 1 : b1
      const beta2 = first ? 0 : b2
      const c = useClipping ? clipValueFn(state.count) : Infinity
      const normalised = tree.mapElementwiseNamed(
        ['updates', 'state.nu'],
        (g, v) => Math.min(c, Math.max(-c, g / Math.max(Math.sqrt(v), eps))),
        updates,
        state.nu,
      )
      const nu = tree.updateMomentPerElemNorm<PyTree>(updates, state.nu, beta2, 2)
      const mu = tree.mapElementwiseNamed(
        ['normalised updates', 'state.mu'],
        (n, m) => beta1 * m + (1 - beta1) * n,
        normalised,
        state.mu,
      )
      const out = nesterov
        ? tree.mapElementwiseNamed(['normalised updates', 'mu'], (n, m) => beta1 * m + (1 - beta1) * n, normalised, mu)
        : mu
      return [out as typeof updates, { count: state.count + 1, mu: inDtype(mu, muDtype), nu }]
    },
  }
}

withHyperparamDefaults(scaleByAdopt, 0, { b1: 0.9, b2: 0.9999, eps: 1e-6 })
