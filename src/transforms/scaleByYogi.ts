import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }

/**
 * Options of {@link scaleByYogi}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByYogiOptions {
  /**
   * Decay rate of the exponential moving average of the gradients (first moment), in [0, 1).
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Rate of Yogi's additive second-moment update, in [0, 1).
   * @defaultValue 0.999
   */
  readonly b2?: number
  /**
   * Added to the denominator outside the square root; ≥ 0.
   * @defaultValue 1e-3
   */
  readonly eps?: number
  /**
   * Added to the second moment inside the square root; ≥ 0.
   * @defaultValue 0
   */
  readonly epsRoot?: number
  /**
   * Starting value of **both** moments (optax allows only positive values; 0 is accepted here); ≥ 0.
   * @defaultValue 1e-6
   */
  readonly initialAccumulatorValue?: number
}

/**
 * State of {@link scaleByYogi}: the step count and the two moments.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByYogiState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients, starting at `initialAccumulatorValue` (not bias corrected). */
  readonly mu: PyTree
  /** Yogi's second moment, starting at `initialAccumulatorValue` (not bias corrected). */
  readonly nu: PyTree
}

/**
 * Rescales updates by Yogi: Adam with an additive, sign-controlled second-moment update.
 *
 * Instead of Adam's multiplicative average, v moves towards g² by at most (1−β₂)·g² per step, so the effective
 * learning rate cannot blow up when the gradients suddenly shrink. As in optax, both moments start at
 * `initialAccumulatorValue` (1e-6), not at zero, and are bias corrected like Adam's. See {@link yogi}.
 *
 * ```text
 * t = count + 1,   m_0 = v_0 = initialAccumulatorValue
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t
 * v_t = v_{t−1} − (1−β₂)·sign(v_{t−1} − g_t²)·g_t²
 * u_t = (m_t/(1−β₁ᵗ)) / (√(v_t/(1−β₂ᵗ) + ε̄) + ε)
 * ```
 *
 * References: Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization",
 * https://proceedings.neurips.cc/paper/2018/file/90365351ccc7437a1309dc64e4db32a3-Paper.pdf
 *
 * @param options - {@link ScaleByYogiOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByYogiState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByYogi } from 'descent-ts'
 * const tx = scaleByYogi({ b1: 0.5, b2: 0.5, eps: 0, initialAccumulatorValue: 0 })
 * // g = 2 from v = 0: v = 0 + 0.5·4 = 2, m = 1; m̂ = 1/0.5 = 2, v̂ = 2/0.5 = 4, u = 2/√4
 * const [u, state] = tx.update([2], tx.init([0]))
 * assert.deepStrictEqual([u, state.mu, state.nu], [[1], [1], [2]])
 * @see yogi, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByYogi(options: ScaleByYogiOptions = {}): GradientTransformation<ScaleByYogiState> {
  const owner = 'scaleByYogi'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-3, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  const init = checkInRange(
    owner,
    'options.initialAccumulatorValue',
    options.initialAccumulatorValue ?? 1e-6,
    '[0, Infinity)',
  )

  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByYogi.init', params),
        { count: 0, mu: tree.fullLike(params, init), nu: tree.fullLike(params, init) }
      ),
      update: (updates, state, params) => {
        checkState('scaleByYogi', state, STATE, updates, params)
        const mu = tree.updateMoment<PyTree>(updates, state.mu, b1, 1)
        const nu = tree.mapElementwiseNamed(
          ['updates', 'state.nu'],
          (g, v) => v - (1 - b2) * Math.sign(v - g * g) * (g * g),
          updates as PyTree,
          state.nu,
        )
        const t = state.count + 1
        const bc1 = 1 - b1 ** t
        const bc2 = 1 - b2 ** t
        const out = tree.mapElementwiseNamed(
          ['state.mu', 'state.nu'],
          (m, v) => m / bc1 / (Math.sqrt(v / bc2 + epsRoot) + eps),
          mu,
          nu,
        )
        return [out as typeof updates, { count: t, mu, nu }]
      },
    },
    [
      ['swappedBetas', owner, b1, b2],
      ['zeroEps', owner, eps, { epsRoot }],
    ],
  )
}

withHyperparamDefaults(scaleByYogi, 0, { b1: 0.9, b2: 0.999, eps: 1e-3, epsRoot: 0, initialAccumulatorValue: 1e-6 })
