import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }

/**
 * Options of {@link scaleByAdamax}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAdamaxOptions {
  /**
   * Decay rate of the exponential moving average of the gradients (first moment), in [0, 1).
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the exponentially weighted infinity norm, in [0, 1].
   * @defaultValue 0.999
   */
  readonly b2?: number
  /**
   * Added to |g| **inside** the maximum (so the denominator is never below ε); ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
}

/**
 * State of {@link scaleByAdamax}: the step count, the first moment and the infinity-norm moment.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAdamaxState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients (not bias corrected). */
  readonly mu: PyTree
  /** Exponentially weighted infinity norm max(|g| + ε, β₂·ν) (never bias corrected). */
  readonly nu: PyTree
}

/**
 * Rescales updates by Adamax: Adam with the second moment replaced by an exponentially weighted infinity norm.
 *
 * The first moment is bias corrected as in Adam; the infinity norm is not (it needs no correction). As in optax, ε
 * is added to |g| inside the maximum. PyTorch's `Adamax` does the same (`max(β₂·u, |g| + ε)`); TF.js/Keras add ε
 * outside instead (`m̂/(u + ε)`), so their first steps differ slightly for tiny gradients. The first update
 * (count 0) is g/(|g| + ε) ≈ sign(g). See {@link adamax} for the optimizer.
 *
 * ```text
 * t = count + 1
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t          m_0 = 0
 * ν_t = max(|g_t| + ε, β₂·ν_{t−1})       ν_0 = 0
 * u_t = (m_t/(1−β₁ᵗ)) / ν_t
 * ```
 *
 * References: Kingma & Ba 2014, section 7.1, https://arxiv.org/abs/1412.6980
 *
 * @param options - {@link ScaleByAdamaxOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAdamaxState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByAdamax, tensor } from 'descent-ts'
 * const tx = scaleByAdamax({ eps: 0 })
 * const [u1, s1] = tx.update(tensor([2, -4]), tx.init(tensor([0, 0])))
 * assert.deepStrictEqual(u1.toArray(), [1, -1]) // m̂ = g, ν = |g|
 * // Step 2 with g = [1, 1]: m = [0.28, -0.26], m̂ = m/(1 − 0.9²), ν = max(|g|, 0.999·ν) = [1.998, 3.996]
 * const [u2] = tx.update(tensor([1, 1]), s1)
 * const expected = [0.28 / 0.19 / 1.998, -0.26 / 0.19 / 3.996]
 * u2.dataSync().forEach((x, i) => assert.ok(Math.abs(x - (expected[i] ?? NaN)) < 1e-6))
 * @see adamax, adamaxw, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByAdamax(options: ScaleByAdamaxOptions = {}): GradientTransformation<ScaleByAdamaxState> {
  const owner = 'scaleByAdamax'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1]')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByAdamax.init', params),
        { count: 0, mu: tree.zerosLike(params), nu: tree.zerosLike(params) }
      ),
      update: (updates, state, params) => {
        checkState('scaleByAdamax', state, STATE, updates, params)
        const mu = tree.updateMoment<PyTree>(updates, state.mu, b1, 1)
        const nu = tree.updateInfinityMoment<PyTree>(updates, state.nu, b2, eps)
        const t = state.count + 1
        const bc1 = 1 - b1 ** t
        const out = tree.mapElementwiseNamed(['state.mu', 'state.nu'], (m, v) => m / bc1 / v, mu, nu)
        return [out as typeof updates, { count: t, mu, nu }]
      },
    },
    [
      ['swappedBetas', owner, b1, b2],
      ['zeroEps', owner, eps, {}],
    ],
  )
}

withHyperparamDefaults(scaleByAdamax, 0, { b1: 0.9, b2: 0.999, eps: 1e-8 })
