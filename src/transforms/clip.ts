import { initEmptyState, type EmptyState } from '../core/base'
import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link clip}.
 * @category transforms
 * @since 0.1.0
 */
export interface ClipOptions {
  /**
   * The largest magnitude an update element may have; ≥ 0.
   * @defaultValue required
   */
  readonly maxDelta: number
}

/**
 * Clips every update element to the interval [−maxDelta, maxDelta].
 *
 * Element-wise clipping bounds each coordinate separately, which can change the direction of the update; use
 * {@link clipByGlobalNorm} to bound its length instead. NaN elements stay NaN. Tensor updates keep their dtype.
 *
 * ```text
 * u = min(max(g, −maxDelta), maxDelta)
 * ```
 *
 * @param maxDelta - The bound, positionally or as {@link ClipOptions}; in [0, ∞).
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when `maxDelta` is negative, infinite or not a number.
 * @example
 * import { clip, tensor } from 'descent-ts'
 * const tx = clip(1)
 * const [u] = tx.update({ w: tensor([-3, 0.5, 2]) }, tx.init({}))
 * assert.deepStrictEqual(u.w.toArray(), [-1, 0.5, 1])
 * @see clipByGlobalNorm
 * @category transforms
 * @since 0.1.0
 */
export function clip(maxDelta: number | ClipOptions): GradientTransformation<EmptyState> {
  const [options, name] = firstArg<ClipOptions, 'maxDelta'>(maxDelta, 'maxDelta')
  const m = checkInRange('clip', name, options.maxDelta, '[0, Infinity)')
  return attachNotes(
    {
      init: initEmptyState,
      update: (updates, state, params) => {
        checkState('clip', state, EMPTY_STATE_SPEC, updates, params)
        return [tree.clip(updates, -m, m), state]
      },
    },
    [['clip', m, name]],
  )
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(clip, 0, {}, ['maxDelta'])
