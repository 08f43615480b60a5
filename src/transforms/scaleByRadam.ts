import { attachNotes, checkBoolean, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }

/**
 * Options of {@link scaleByRadam}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRadamOptions {
  /**
   * Decay rate of the exponential moving average of the gradients (first moment), in [0, 1).
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the exponential moving average of the squared gradients, in [0, 1).
   * @defaultValue 0.999
   */
  readonly b2?: number
  /**
   * Added to the denominator outside the square root; ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
  /**
   * Added to the second moment inside the square root; ≥ 0.
   * @defaultValue 0
   */
  readonly epsRoot?: number
  /**
   * The variance is treated as tractable, and the step rectified, once ρ_t ≥ threshold (Infinity: never); ≥ 4.
   * Below 4 the rectification factor would be √ of a negative number for ρ_t ∈ (2, 4), a NaN; optax does not
   * check this, descent rejects it at construction.
   * @defaultValue 5
   */
  readonly threshold?: number
  /**
   * Use Nesterov momentum in the first moment, as in {@link scaleByAdam}.
   * @defaultValue false
   */
  readonly nesterov?: boolean
}

/**
 * State of {@link scaleByRadam}: the step count and Adam's two moments.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRadamState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients (not bias corrected). */
  readonly mu: PyTree
  /** Exponential moving average of the squared gradients (not bias corrected). */
  readonly nu: PyTree
}

/**
 * Rescales updates by Rectified Adam (RAdam).
 *
 * While the length ρ_t of the approximated simple moving average is below `threshold` the variance of the adaptive
 * rate is deemed intractable, and the update is the bias-corrected momentum m̂_t itself (not normalised). From then on
 * it is Adam's step multiplied by the rectification factor r_t. With b2 = 0.999 and threshold 5 the switch happens
 * at t = 6 (count 5). ρ_t and r_t are computed once per step in float64. See {@link radam} for the optimizer.
 *
 * ```text
 * t = count + 1,   ρ∞ = 2/(1−β₂) − 1,   ρ_t = ρ∞ − 2t·β₂ᵗ/(1−β₂ᵗ)
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t          v_t = β₂·v_{t−1} + (1−β₂)·g_t²
 * m̂_t = m_t/(1−β₁ᵗ)                      (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * v̂_t = v_t/(1−β₂ᵗ)
 * ρ_t ≥ threshold:  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t)),   u_t = r_t·m̂_t/(√(v̂_t + ε̄) + ε)
 * otherwise:        u_t = m̂_t
 * ```
 *
 * References: Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond",
 * https://arxiv.org/abs/1908.03265
 *
 * @param options - {@link ScaleByRadamOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByRadamState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByRadam } from 'descent-ts'
 * const tx = scaleByRadam()
 * // ρ₁ = 1 < 5: the first update is the bias-corrected momentum, i.e. the gradient itself.
 * const [u] = tx.update([0.5, -3], tx.init([0, 0]))
 * u.forEach((x, i) => assert.ok(Math.abs(x - [0.5, -3][i]!) < 1e-12))
 * @see radam, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByRadam(options: ScaleByRadamOptions = {}): GradientTransformation<ScaleByRadamState> {
  const owner = 'scaleByRadam'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  const threshold = checkInRange(owner, 'options.threshold', options.threshold ?? 5, '[4, Infinity]')
  const nesterov = checkBoolean(owner, 'options.nesterov', options.nesterov ?? false)
  const roInf = 2 / (1 - b2) - 1

  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByRadam.init', params),
        { count: 0, mu: tree.zerosLike(params), nu: tree.zerosLike(params) }
      ),
      update: (updates, state, params) => {
        checkState('scaleByRadam', state, STATE, updates, params)
        const mu = tree.updateMoment<PyTree>(updates, state.mu, b1, 1)
        const nu = tree.updateMomentPerElemNorm<PyTree>(updates, state.nu, b2, 2)
        const t = state.count + 1
        const b2t = b2 ** t
        const ro = roInf - (2 * t * b2t) / (1 - b2t)
        const rectified = ro >= threshold
        const r = rectified ? Math.sqrt(((ro - 4) * (ro - 2) * roInf) / ((roInf - 4) * (roInf - 2) * ro)) : 1
        const bc1 = 1 - b1 ** t
        const bc1Next = 1 - b1 ** (t + 1)
        const bc2 = 1 - b2t
        const step = (mHat: number, v: number) => (rectified ? (r * mHat) / (Math.sqrt(v / bc2 + epsRoot) + eps) : mHat)
        const names = ['state.mu', 'state.nu', 'updates']
        const out = nesterov
          ? tree.mapElementwiseNamed(
              names,
              (m, v, g) => step((b1 * m) / bc1Next + ((1 - b1) * g) / bc1, v),
              mu,
              nu,
              updates,
            )
          : tree.mapElementwiseNamed(names.slice(0, 2), (m, v) => step(m / bc1, v), mu, nu)
        return [out as typeof updates, { count: t, mu, nu }]
      },
    },
    [
      ['swappedBetas', owner, b1, b2],
      ['zeroEps', owner, eps, { epsRoot }],
    ],
  )
}

withHyperparamDefaults(scaleByRadam, 0, { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, threshold: 5 })
