import { mapParams } from './tree'

/**
 * optax's top-level name of {@link tree.mapParams} (optax.tree_map_params): maps a function over the copies of the
 * params inside an optimizer state. The same function.
 * ```text
 * treeMapParams(opt, f, state, [rest]) = tree.mapParams(opt, f, state, [rest])
 * ```
 * @example
 * import { tree, treeMapParams } from 'descent-ts'
 * assert.strictEqual(treeMapParams, tree.mapParams)
 * @category tree
 * @since 0.2.0
 */
export const treeMapParams = mapParams
