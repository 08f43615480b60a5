import { type EmptyState, initEmptyState } from '../core/base'
import { checkInRange } from '../core/hyperparams'
import { safeRootMeanSquares } from '../core/numerics'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link clipByBlockRms}.
 * @category transforms
 * @since 0.1.0
 */
export interface ClipByBlockRmsOptions {
  /**
   * The largest root mean square each leaf (block) of the updates may have; > 0.
   * @defaultValue required
   */
  readonly threshold: number
}

/**
 * Clips each leaf of the updates to a maximum root mean square (Adafactor's update clipping).
 *
 * A block is one leaf of the tree: a weight vector or matrix. A leaf whose RMS is at most `threshold` passes through
 * unchanged; a larger one is divided by RMS/threshold, so its RMS becomes exactly `threshold`. The RMS is
 * accumulated in float64.
 *
 * ```text
 * for each leaf g:   rms(g) = √(mean(g²))
 * u = g / max(1, rms(g)/threshold)
 * ```
 *
 * References: Shazeer & Stern 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost,
 * https://arxiv.org/abs/1804.04235
 *
 * @param threshold - The maximum RMS per leaf, positionally or as {@link ClipByBlockRmsOptions}; in (0, ∞).
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when `threshold` is not a positive finite number.
 * @example
 * import { clipByBlockRms, tensor } from 'descent-ts'
 * const tx = clipByBlockRms(1)
 * // rms([3, 4, 0, 0]) = √(25/4) = 2.5 > 1: divided by 2.5. rms([0.5]) = 0.5 ≤ 1: unchanged.
 * const [u] = tx.update({ w: tensor([3, 4, 0, 0]), b: tensor([0.5]) }, tx.init({}))
 * assert.deepStrictEqual(u.w.toArray(), [1.2000000476837158, 1.600000023841858, 0, 0])
 * assert.deepStrictEqual(u.b.toArray(), [0.5])
 * @see adafactor, clipByGlobalNorm, clip
 * @category transforms
 * @since 0.1.0
 */
export function clipByBlockRms(threshold: number | ClipByBlockRmsOptions): GradientTransformation<EmptyState> {
  const [options, name] = firstArg<ClipByBlockRmsOptions, 'threshold'>(threshold, 'threshold')
  const max = checkInRange('clipByBlockRms', name, options.threshold, '(0, Infinity)')
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('clipByBlockRms', state, EMPTY_STATE_SPEC, updates, params)
      const out = tree.map((g) => {
        const denom = Math.max(1, safeRootMeanSquares(g, 0) / max)
        return denom === 1 ? g : tree.mapElementwiseNamed(['updates'], (x) => x / denom, g)
      }, updates)
      return [out, state]
    },
  }
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(clipByBlockRms, 0, {}, ['threshold'])
