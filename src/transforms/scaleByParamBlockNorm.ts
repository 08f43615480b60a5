import { type EmptyState, initEmptyState } from '../core/base'
import { checkInRange } from '../core/hyperparams'
import { safeNorm } from '../core/numerics'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Options of {@link scaleByParamBlockNorm}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByParamBlockNormOptions {
  /**
   * Lower bound of the parameter norm, so that zero-initialised params still move; ≥ 0.
   * @defaultValue 1e-3
   */
  readonly minScale?: number
}

/**
 * Multiplies each leaf of the updates by the L2 norm of the matching param leaf.
 *
 * Makes the step size relative to the size of each parameter block (leaf). The norm (Frobenius for matrices) is
 * floored at `minScale` and accumulated in float64. It needs the params: pass them to `update`.
 *
 * ```text
 * for each leaf:   u = g · max(‖θ‖₂, minScale)
 * ```
 *
 * @param options - {@link ScaleByParamBlockNormOptions}.
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when `minScale` is negative or not finite; DescentError from `update` without params.
 * @example
 * import { scaleByParamBlockNorm, tensor } from 'descent-ts'
 * const tx = scaleByParamBlockNorm()
 * const params = { w: tensor([3, 4]), b: tensor([0]) }
 * const [u] = tx.update({ w: tensor([1, -2]), b: tensor([2]) }, tx.init(params), params)
 * assert.deepStrictEqual(u.w.toArray(), [5, -10]) // ‖w‖ = 5
 * assert.deepStrictEqual(u.b.toArray(), [0.0020000000949949026]) // floored at 1e-3
 * @see scaleByParamBlockRms, scaleByTrustRatio
 * @category transforms
 * @since 0.1.0
 */
export function scaleByParamBlockNorm(options: ScaleByParamBlockNormOptions = {}): GradientTransformation<EmptyState> {
  const minScale = checkInRange('scaleByParamBlockNorm', 'options.minScale', options.minScale ?? 1e-3, '[0, Infinity)')
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('scaleByParamBlockNorm', state, EMPTY_STATE_SPEC, updates, params)
      const p = paramsRequired('scaleByParamBlockNorm', params)
      const out = tree.map(
        (g, w) => {
          const s = safeNorm(w, minScale)
          return tree.mapElementwiseNamed(['updates'], (x) => x * s, g)
        },
        updates,
        p,
      )
      return [out, state]
    },
  }
}

withHyperparamDefaults(scaleByParamBlockNorm, 0, { minScale: 1e-3 })
