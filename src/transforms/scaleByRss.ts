import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { sumOfSquares: 'tree' }

/**
 * Options of {@link scaleByRss}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRssOptions {
  /**
   * Initial value of the accumulated sum of squares; ≥ 0.
   * @defaultValue 0.1
   */
  readonly initialAccumulatorValue?: number
  /**
   * Added inside the square root, for numerical stability; ≥ 0.
   * @defaultValue 1e-7
   */
  readonly eps?: number
}

/**
 * State of {@link scaleByRss}: the running sum of the squared gradients.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRssState {
  /** Σ g² over all updates so far, plus `initialAccumulatorValue`. */
  readonly sumOfSquares: PyTree
}

/**
 * Rescales updates by the root of the sum of all squared gradients to date (AdaGrad).
 *
 * Each coordinate's step shrinks as its gradients accumulate. Coordinates whose sum is still zero (a zero
 * accumulator and zero gradients so far) get a zero update rather than 0/0.
 *
 * ```text
 * s_t = s_{t−1} + g_t²          s_0 = initialAccumulatorValue
 * u_t = g_t / √(s_t + ε)  where s_t > 0,  else 0
 * ```
 *
 * References: Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization", https://jmlr.org/papers/v12/duchi11a.html
 *
 * @param options - {@link ScaleByRssOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByRssState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByRss } from 'descent-ts'
 * const tx = scaleByRss({ initialAccumulatorValue: 0, eps: 0 })
 * const [u1, s1] = tx.update([3], tx.init([0])) // s = 9, u = 3/3
 * const [u2, s2] = tx.update([4], s1) // s = 25, u = 4/5
 * assert.deepStrictEqual([u1, u2, s2.sumOfSquares], [[1], [0.8], [25]])
 * @see adagrad
 * @category transforms
 * @since 0.1.0
 */
export function scaleByRss(options: ScaleByRssOptions = {}): GradientTransformation<ScaleByRssState> {
  const owner = 'scaleByRss'
  const initial = options.initialAccumulatorValue ?? 0.1
  checkInRange(owner, 'options.initialAccumulatorValue', initial, '[0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-7, '[0, Infinity)')

  return attachNotes(
    {
      init: (params) => (checkParams('scaleByRss.init', params), { sumOfSquares: tree.fullLike(params, initial) }),
      update: (updates, state, params) => {
        checkState('scaleByRss', state, STATE, updates, params)
        const names = ['updates', 'state.sumOfSquares']
        const sumOfSquares = tree.mapElementwiseNamed(names, (g, s) => g * g + s, updates, state.sumOfSquares)
        // g·0 rather than a literal 0 so that a NaN gradient still shows up as NaN, as in optax.
        const scaled = (g: number, s: number) => (s > 0 ? g / Math.sqrt(s + eps) : g * 0)
        const out = tree.mapElementwiseNamed(names, scaled, updates, sumOfSquares)
        return [out, { sumOfSquares }]
      },
    },
    [['zeroEps', owner, eps, { initialAccumulatorValue: initial }]],
  )
}

withHyperparamDefaults(scaleByRss, 0, { initialAccumulatorValue: 0.1, eps: 1e-7 })
