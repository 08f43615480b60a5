import * as tree from '../core/tree'
import type { PyTree } from '../core/types'

/**
 * A `shouldSkipUpdateFn` for {@link multiSteps} (optax.skip_not_finite): skip the mini-batch when its updates
 * contain an Inf or a NaN, and report how many there were.
 * ```text
 * skip = (#non-finite elements of updates > 0)
 * ```
 * @returns `[skip, { shouldSkip, numNotFinite }]`; `shouldSkip` is 1 or 0 (a number, so that multiSteps can keep it in its state as a pytree leaf).
 * @example
 * import { multiSteps, sgd, skipNotFinite, tensor } from 'descent-ts'
 * const [skip, info] = skipNotFinite({ w: tensor([1, NaN, Infinity]) }, 0, undefined)
 * assert.ok(skip && info.numNotFinite === 2)
 * const opt = multiSteps(sgd(1), { everyKSchedule: 1, shouldSkipUpdateFn: skipNotFinite })
 * const [u] = opt.update([NaN], opt.init([0]))
 * assert.deepStrictEqual(u, [0])
 * @see skipLargeUpdates, multiSteps
 * @category transforms
 * @since 0.2.0
 */
export function skipNotFinite(
  updates: PyTree,
  _gradientStep: number,
  _params: PyTree | undefined,
): readonly [boolean, { readonly shouldSkip: number; readonly numNotFinite: number }] {
  const numNotFinite = tree.sum(tree.mapElementwise((x) => (Number.isFinite(x) ? 0 : 1), tree.cast(updates, 'float64')))
  const shouldSkip = numNotFinite > 0
  return [shouldSkip, { shouldSkip: shouldSkip ? 1 : 0, numNotFinite }]
}
