import { type EmptyState, initEmptyState } from '../core/base'
import { checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { globalNorm } from './_internal/globalNorm'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Options of {@link normalizeByUpdateNorm}.
 * @category transforms
 * @since 0.1.0
 */
export interface NormalizeByUpdateNormOptions {
  /**
   * Multiplier of the normalised updates (−lr for a normalised gradient descent step); finite.
   * @defaultValue 1
   */
  readonly scaleFactor?: number
  /**
   * Added to the norm, so that a zero update stays zero instead of 0/0; ≥ 0.
   * @defaultValue 1e-6
   */
  readonly eps?: number
}

/**
 * Divides the updates by their global L2 norm (normalised gradient descent).
 *
 * The norm is taken over all leaves together, as one vector, accumulated in float64. The result has norm
 * ‖g‖/(‖g‖ + ε)·|scaleFactor| ≈ |scaleFactor|.
 *
 * ```text
 * u = g / ((‖g‖₂ + ε) / scaleFactor)
 * ```
 *
 * @param options - {@link NormalizeByUpdateNormOptions}.
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when `scaleFactor` is not finite or `eps` is negative.
 * @example
 * import { normalizeByUpdateNorm, tree } from 'descent-ts'
 * const tx = normalizeByUpdateNorm({ scaleFactor: 2, eps: 0 })
 * const [u] = tx.update({ a: 3, b: [4] }, tx.init({}))
 * assert.deepStrictEqual(u, { a: 1.2, b: [1.6] }) // g·2/5
 * assert.ok(Math.abs(tree.norm(u) - 2) < 1e-12)
 * @see clipByGlobalNorm, scaleByTrustRatio
 * @category transforms
 * @since 0.1.0
 */
export function normalizeByUpdateNorm(options: NormalizeByUpdateNormOptions = {}): GradientTransformation<EmptyState> {
  const owner = 'normalizeByUpdateNorm'
  const scaleFactor = checkInRange(owner, 'options.scaleFactor', options.scaleFactor ?? 1, '(-Infinity, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-6, '[0, Infinity)')
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('normalizeByUpdateNorm', state, EMPTY_STATE_SPEC, updates, params)
      const gNorm = (globalNorm(updates) + eps) / scaleFactor
      return [tree.mapElementwiseNamed(['updates'], (g) => g / gNorm, updates), state]
    },
  }
}

withHyperparamDefaults(normalizeByUpdateNorm, 0, { scaleFactor: 1, eps: 1e-6 })
