import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * A `shouldSkipUpdateFn` for {@link multiSteps} (optax.skip_large_updates): skip the mini-batch when the squared
 * global norm of its updates exceeds `maxSquaredNorm` (or is NaN). Bind the bound with a closure:
 * `(u, s, p) => skipLargeUpdates(u, s, p, 100)`.
 * ```text
 * skip = ¬(‖updates‖² < maxSquaredNorm)
 * ```
 * @returns `[skip, { shouldSkip, normSquared }]`; `shouldSkip` is 1 or 0 (a number, so that multiSteps can keep it in its state as a pytree leaf).
 * @example
 * import { skipLargeUpdates, tensor } from 'descent-ts'
 * const [skip, info] = skipLargeUpdates({ w: tensor([3, 4]) }, 0, undefined, 20)
 * assert.ok(skip && info.normSquared === 25)
 * assert.strictEqual(skipLargeUpdates([1], 0, undefined, 20)[0], false)
 * @see skipNotFinite, multiSteps
 * @category transforms
 * @since 0.2.0
 */
export function skipLargeUpdates(
  updates: PyTree,
  _gradientStep: number,
  _params: PyTree | undefined,
  maxSquaredNorm: number,
): readonly [boolean, { readonly shouldSkip: number; readonly normSquared: number }] {
  const normSquared = tree.norm(updates, { squared: true })
  // Written as ¬(n < max) so that a NaN norm is skipped too, as optax's jnp.logical_not(norm_sq < max).
  const shouldSkip = !(normSquared < maxSquaredNorm)
  return [shouldSkip, { shouldSkip: shouldSkip ? 1 : 0, normSquared }]
}
