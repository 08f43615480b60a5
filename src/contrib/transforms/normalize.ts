import { type EmptyState, initEmptyState } from '../../core/base'
import { EMPTY_STATE_SPEC, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation } from '../../core/types'

/**
 * Normalizes the updates by their global ℓ₂ norm (SAM's adversarial direction). All-zero updates stay zero (optax
 * divides 0 by 0 and returns NaN).
 *
 * ```text
 * u = g / ‖g‖₂          (u = g when ‖g‖₂ = 0)
 * ```
 *
 * @returns A stateless {@link GradientTransformation}.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.normalize()
 * const [u] = tx.update({ a: tensor([3], 'float64'), b: tensor([4], 'float64') }, tx.init({}))
 * assert.ok(Math.abs(u.a.item() - 0.6) < 1e-15 && Math.abs(u.b.item() - 0.8) < 1e-15) // (3, 4)/5
 * @see sam
 * @category contrib
 * @since 0.1.0
 */
export function normalize(): GradientTransformation<EmptyState> {
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('normalize', state, EMPTY_STATE_SPEC, updates, params)
      const n = tree.norm(updates)
      return [n === 0 ? updates : tree.scale(1 / n, updates), state]
    },
  }
}
