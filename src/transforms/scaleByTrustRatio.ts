import { type EmptyState, initEmptyState } from '../core/base'
import { checkInRange } from '../core/hyperparams'
import { safeNorm } from '../core/numerics'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Options of {@link scaleByTrustRatio}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByTrustRatioOptions {
  /**
   * Lower bound of both norms (0: no clipping); ≥ 0.
   * @defaultValue 0
   */
  readonly minNorm?: number
  /**
   * Multiplier of the trust ratio (LARS's η); finite.
   * @defaultValue 1
   */
  readonly trustCoefficient?: number
  /**
   * Added to the update norm in the denominator; ≥ 0.
   * @defaultValue 0
   */
  readonly eps?: number
}

/**
 * Scales each leaf of the updates by the trust ratio ‖θ‖/‖u‖ of that leaf (LAMB, LARS, Fromage).
 *
 * Per leaf (layer), the update is rescaled so that its norm is `trustCoefficient` times the param's norm. When either
 * norm is 0 (after flooring at `minNorm`) the ratio is 1, so zero-initialised params and zero updates pass through.
 * Norms are accumulated in float64. It needs the params: pass them to `update`.
 *
 * ```text
 * for each leaf:   pn = max(‖θ‖₂, minNorm)     un = max(‖u‖₂, minNorm)
 * r = trustCoefficient · pn / (un + eps)       (r = 1 when pn = 0 or un = 0)
 * u' = r · u
 * ```
 *
 * References: You et al. 2017 (LARS), https://arxiv.org/abs/1708.03888; You et al. 2019 (LAMB),
 * https://arxiv.org/abs/1904.00962; Bernstein et al. 2020 (Fromage), https://arxiv.org/abs/2002.03432
 *
 * @param options - {@link ScaleByTrustRatioOptions}.
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when an option is out of range; DescentError from `update` without params.
 * @example
 * import { scaleByTrustRatio, tensor } from 'descent-ts'
 * const tx = scaleByTrustRatio()
 * const params = { w: tensor([3, 4]), b: tensor([0, 0]) }
 * const [u] = tx.update({ w: tensor([0.6, 0.8]), b: tensor([1, 2]) }, tx.init(params), params)
 * assert.deepStrictEqual(u.w.toArray(), [3, 4]) // ‖w‖/‖u‖ = 5/1
 * assert.deepStrictEqual(u.b.toArray(), [1, 2]) // ‖b‖ = 0: ratio 1
 * @see lamb, lars, fromage
 * @category transforms
 * @since 0.1.0
 */
export function scaleByTrustRatio(options: ScaleByTrustRatioOptions = {}): GradientTransformation<EmptyState> {
  const owner = 'scaleByTrustRatio'
  const minNorm = checkInRange(owner, 'options.minNorm', options.minNorm ?? 0, '[0, Infinity)')
  const coefficient = checkInRange(
    owner,
    'options.trustCoefficient',
    options.trustCoefficient ?? 1,
    '(-Infinity, Infinity)',
  )
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 0, '[0, Infinity)')
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('scaleByTrustRatio', state, EMPTY_STATE_SPEC, updates, params)
      const p = paramsRequired(owner, params)
      const out = tree.map(
        (g, w) => {
          const pn = safeNorm(w, minNorm)
          const un = safeNorm(g, minNorm)
          const ratio = pn === 0 || un === 0 ? 1 : (coefficient * pn) / (un + eps)
          return tree.mapElementwiseNamed(['updates'], (x) => x * ratio, g)
        },
        updates,
        p,
      )
      return [out, state]
    },
  }
}

withHyperparamDefaults(scaleByTrustRatio, 0, { minNorm: 0, trustCoefficient: 1, eps: 0 })
