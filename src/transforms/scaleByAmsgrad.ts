import { attachNotes, checkBoolean, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkParams, checkState } from '../core/stateCheck'
import type { DType } from '../core/tensor'
import { checkDtype, inDtype } from './_internal/accumulatorDtype'

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree', nuMax: 'tree' }

/**
 * Options of {@link scaleByAmsgrad}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAmsgradOptions {
  /**
   * Decay rate of the exponential moving average of the gradients (first moment), in [0, 1).
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the exponential moving average of the squared gradients (second moment), in [0, 1).
   * @defaultValue 0.999
   */
  readonly b2?: number
  /**
   * Added to the denominator outside the square root, for numerical stability; ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
  /**
   * Added to the running maximum inside the square root; ≥ 0.
   * @defaultValue 0
   */
  readonly epsRoot?: number
  /**
   * The dtype of the first moment `mu` (optax's `mu_dtype`), e.g. `'float64'` for float32 params.
   * @defaultValue the dtype of each param
   */
  readonly muDtype?: DType | undefined
  /**
   * The dtype of the second moment `nu` and its running maximum (optax #1552: optax has no `nu_dtype`).
   * @defaultValue the dtype of each param
   */
  readonly nuDtype?: DType | undefined
  /**
   * Divide the first moment by (1 − β₁ᵗ).
   * @defaultValue true
   */
  readonly biasCorrectionMu?: boolean
  /**
   * Divide the second moment by (1 − β₂ᵗ) before taking the running maximum.
   * @defaultValue true
   */
  readonly biasCorrectionNu?: boolean
}

/**
 * State of {@link scaleByAmsgrad}: the step count, Adam's two moments, and the running maximum of the
 * (bias-corrected) second moment.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAmsgradState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients (not bias corrected). */
  readonly mu: PyTree
  /** Exponential moving average of the squared gradients (not bias corrected). */
  readonly nu: PyTree
  /** Element-wise maximum of every v̂ seen so far (bias corrected when `biasCorrectionNu`). */
  readonly nuMax: PyTree
}

/**
 * Rescales updates by AMSGrad: Adam with a non-decreasing second-moment estimate.
 *
 * The moments are Adam's; the denominator uses the element-wise running maximum of the second moment, so the
 * effective per-coordinate step size never grows. As in optax, the maximum is taken **after** bias correction
 * (`ν̂max_t = max(ν̂max_{t−1}, v_t/(1−β₂ᵗ))`); PyTorch's `amsgrad=True` instead takes the maximum of the raw
 * `v_t` and bias-corrects afterwards, so the two differ in the first steps (optax issue #1389). Because the state
 * stores v̂ = g²-sized values, float32 gradients beyond about 1.8e19 overflow `nuMax` to ∞ and give zero updates.
 *
 * ```text
 * t = count + 1
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t          v_t = β₂·v_{t−1} + (1−β₂)·g_t²
 * m̂_t = m_t/(1−β₁ᵗ)                      v̂_t = v_t/(1−β₂ᵗ)        (each only if its bias correction is on)
 * ν̂max_t = max(ν̂max_{t−1}, v̂_t)          (ν̂max_0 = 0)
 * u_t = m̂_t / (√(ν̂max_t + ε̄) + ε)        ε̄ = epsRoot
 * ```
 *
 * References: Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond", https://arxiv.org/abs/1904.09237
 *
 * @param options - {@link ScaleByAmsgradOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAmsgradState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByAmsgrad } from 'descent-ts'
 * const tx = scaleByAmsgrad({ b1: 0, b2: 0.5, eps: 0 })
 * const [u1, s1] = tx.update([4], tx.init([0])) // v̂ = 0.5·16/(1−0.5) = 16, max = 16, u = 4/√16
 * assert.deepStrictEqual(u1, [1])
 * const [u2, s2] = tx.update([1], s1) // v = 0.5·8 + 0.5·1 = 4.5, v̂ = 4.5/0.75 = 6 < 16, so u = 1/√16
 * assert.deepStrictEqual(u2, [0.25])
 * assert.deepStrictEqual(s2.nuMax, [16])
 * @see amsgrad, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByAmsgrad(options: ScaleByAmsgradOptions = {}): GradientTransformation<ScaleByAmsgradState> {
  const owner = 'scaleByAmsgrad'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  const correctMu = checkBoolean(owner, 'options.biasCorrectionMu', options.biasCorrectionMu ?? true)
  const correctNu = checkBoolean(owner, 'options.biasCorrectionNu', options.biasCorrectionNu ?? true)
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const nuDtype = checkDtype(owner, 'options.nuDtype', options.nuDtype)
  const moment = (d: DType | undefined): StateSpec => (d === undefined ? 'tree' : 'treeLike')
  const spec: StateSpec = { ...(STATE as object), mu: moment(muDtype), nu: moment(nuDtype), nuMax: moment(nuDtype) }

  return attachNotes(
    {
      init: (params) => {
        checkParams('scaleByAmsgrad.init', params)
        const zeros = (d: DType | undefined) => inDtype(tree.zerosLike(params), d)
        return { count: 0, mu: zeros(muDtype), nu: zeros(nuDtype), nuMax: zeros(nuDtype) }
      },
      update: (updates, state, params) => {
        checkState('scaleByAmsgrad', state, spec, updates, params)
        const mu = inDtype(tree.updateMoment<PyTree>(updates, state.mu, b1, 1), muDtype)
        const nu = inDtype(tree.updateMomentPerElemNorm<PyTree>(updates, state.nu, b2, 2), nuDtype)
        const t = state.count + 1
        const bc1 = correctMu ? 1 - b1 ** t : 1
        const bc2 = correctNu ? 1 - b2 ** t : 1
        const maxNames = ['state.nuMax', 'state.nu']
        const nuMax = inDtype(
          tree.mapElementwiseNamed(maxNames, (vMax, v) => Math.max(vMax, v / bc2), state.nuMax, nu),
          nuDtype,
        )
        const out = tree.mapElementwiseNamed(
          ['state.mu', 'state.nuMax'],
          (m, vMax) => m / bc1 / (Math.sqrt(vMax + epsRoot) + eps),
          mu,
          nuMax,
        )
        return [out as typeof updates, { count: t, mu, nu, nuMax }]
      },
    },
    [
      ['swappedBetas', owner, b1, b2],
      ['zeroEps', owner, eps, { epsRoot }],
    ],
  )
}

withHyperparamDefaults(scaleByAmsgrad, 0, { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 })
