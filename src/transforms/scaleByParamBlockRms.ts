import { type EmptyState, initEmptyState } from '../core/base'
import { checkInRange } from '../core/hyperparams'
import { safeRootMeanSquares } from '../core/numerics'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Options of {@link scaleByParamBlockRms}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByParamBlockRmsOptions {
  /**
   * Lower bound of the parameter RMS, so that zero-initialised params still move; ≥ 0.
   * @defaultValue 1e-3
   */
  readonly minScale?: number
}

/**
 * Multiplies each leaf of the updates by the root mean square of the matching param leaf (Adafactor's relative step).
 *
 * Makes the step size relative to the scale of each parameter block (leaf). The RMS is floored at `minScale` and
 * accumulated in float64. It needs the params: pass them to `update`.
 *
 * ```text
 * for each leaf:   u = g · max(√(mean(θ²)), minScale)
 * ```
 *
 * References: Shazeer & Stern 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost,
 * https://arxiv.org/abs/1804.04235
 *
 * @param options - {@link ScaleByParamBlockRmsOptions}.
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when `minScale` is negative or not finite; DescentError from `update` without params.
 * @example
 * import { scaleByParamBlockRms, tensor } from 'descent-ts'
 * const tx = scaleByParamBlockRms()
 * const params = { w: tensor([3, -3, 3, -3]), b: tensor([0, 0]) }
 * const [u] = tx.update({ w: tensor([1, 2, 3, 4]), b: tensor([1, -1]) }, tx.init(params), params)
 * assert.deepStrictEqual(u.w.toArray(), [3, 6, 9, 12]) // rms(w) = 3
 * assert.deepStrictEqual(u.b.toArray(), [0.0010000000474974513, -0.0010000000474974513]) // floored at 1e-3
 * @see adafactor, scaleByParamBlockNorm
 * @category transforms
 * @since 0.1.0
 */
export function scaleByParamBlockRms(options: ScaleByParamBlockRmsOptions = {}): GradientTransformation<EmptyState> {
  const minScale = checkInRange('scaleByParamBlockRms', 'options.minScale', options.minScale ?? 1e-3, '[0, Infinity)')
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('scaleByParamBlockRms', state, EMPTY_STATE_SPEC, updates, params)
      const p = paramsRequired('scaleByParamBlockRms', params)
      const out = tree.map(
        (g, w) => {
          const s = safeRootMeanSquares(w, minScale)
          return tree.mapElementwiseNamed(['updates'], (x) => x * s, g)
        },
        updates,
        p,
      )
      return [out, state]
    },
  }
}

withHyperparamDefaults(scaleByParamBlockRms, 0, { minScale: 1e-3 })
