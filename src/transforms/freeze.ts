import { type EmptyState, setToZero } from '../core/base'
import type { GradientTransformation, MaskOrFn } from '../core/types'
import { type MaskedState, masked } from './masked'

/**
 * Freezes the selected parameters: their updates become zero, the others pass through unchanged.
 *
 * `freeze(mask)` is {@link masked}({@link setToZero}(), mask), as optax's `freeze`: put it last in a chain (after
 * the learning rate) so frozen parameters do not move. The optimizer before it still keeps state for the frozen
 * leaves; use {@link selectiveTransform} to give it no state for them at all.
 *
 * ```text
 * u[path] = 0         where mask[path] is true
 * u[path] = g[path]   elsewhere
 * ```
 *
 * @param mask - A boolean tree (a prefix of the params; `true` = frozen) or a function of the params returning one.
 * @returns A {@link GradientTransformation} whose state is a {@link MaskedState} of an empty state.
 * @throws HyperparameterError when the mask has a non-boolean leaf.
 * @example
 * import { chain, freeze, sgd, tensor } from 'descent-ts'
 * const tx = chain(sgd(1), freeze({ embed: true, head: false }))
 * const g = { embed: tensor([1]), head: tensor([2]) }
 * const [u] = tx.update(g, tx.init(g))
 * assert.deepStrictEqual([u.embed.toArray(), u.head.toArray()], [[0], [-2]])
 * @see selectiveTransform, masked
 * @category transforms
 * @since 0.1.0
 */
export const freeze = (mask: MaskOrFn): GradientTransformation<MaskedState<EmptyState>> => masked(setToZero(), mask)
