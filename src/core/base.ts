import { zerosLike } from './tree'
import { affineTrees } from './leafMath'
import { EMPTY_STATE_SPEC, checkParams, checkState } from './stateCheck'
import { mapTrees } from './treeTraversal'
import type { GradientTransformation, Leaf, PyTree } from './types'

/**
 * The state of a stateless transform: an empty record.
 * @category transforms
 * @since 0.1.0
 */
export type EmptyState = { readonly [key: string]: never }

// The spec of an empty state is itself an empty, frozen record: one object serves as both.
const EMPTY = EMPTY_STATE_SPEC as EmptyState

/**
 * The `init` of every stateless transform: returns the empty state whatever the params' values. The params are still
 * checked (an InvalidTreeError naming the path of a value that is not a pytree leaf or node, or of a cycle; a
 * NonFiniteError naming a NaN or ±Infinity param), so that a stateless transform refuses bad params as loudly as a
 * stateful one.
 * @example
 * import { initEmptyState } from 'descent-ts'
 * assert.deepStrictEqual(initEmptyState({ w: 1 }), {})
 * @category transforms
 * @since 0.1.0
 */
export const initEmptyState = (params: PyTree): EmptyState => (checkParams('init', params), EMPTY)

/**
 * The transform that returns its updates unchanged: the unit of {@link chain}.
 * ```text
 * u = g
 * ```
 * @example
 * import { identity } from 'descent-ts'
 * const tx = identity()
 * assert.deepStrictEqual(tx.update({ w: 2 }, tx.init({ w: 0 }))[0], { w: 2 })
 * @category transforms
 * @since 0.1.0
 */
export const identity = (): GradientTransformation<EmptyState> => ({
  init: initEmptyState,
  update: (updates, state, params) => {
    checkState('identity', state, EMPTY_STATE_SPEC, updates, params)
    return [updates, state]
  },
})

/**
 * The transform that replaces every update by zeros, freezing the parameters it is applied to.
 * ```text
 * u = 0
 * ```
 * @example
 * import { setToZero, tensor } from 'descent-ts'
 * const tx = setToZero()
 * assert.deepStrictEqual(tx.update({ w: tensor([1, -2]) }, tx.init({}))[0].w.toArray(), [0, 0])
 * @category transforms
 * @since 0.1.0
 */
export const setToZero = (): GradientTransformation<EmptyState> => ({
  init: initEmptyState,
  update: (updates, state, params) => {
    checkState('setToZero', state, EMPTY_STATE_SPEC, updates, params)
    return [zerosLike(updates), state]
  },
})

/**
 * A stateless transform from a function of the updates and (optional) params trees.
 * ```text
 * u = f(g, θ)
 * ```
 * @example
 * import { stateless, tree } from 'descent-ts'
 * const double = stateless((g) => tree.scale(2, g))
 * assert.deepStrictEqual(double.update([1.5], double.init([0]))[0], [3])
 * @category transforms
 * @since 0.1.0
 */
export const stateless = (
  f: <P extends PyTree>(updates: P, params: P | undefined) => P,
): GradientTransformation<EmptyState> => ({
  init: initEmptyState,
  update: (updates, state, params) => {
    checkState('stateless', state, EMPTY_STATE_SPEC, updates, params)
    return [f(updates, params), state]
  },
})

/**
 * A stateless transform from a per-leaf function; `f` receives the update leaf and the params leaf
 * (`undefined` when `update` gets no params).
 * @example
 * import { statelessWithTreeMap } from 'descent-ts'
 * const tx = statelessWithTreeMap((g, p) => (g as number) + (p as number))
 * assert.deepStrictEqual(tx.update([1], tx.init([10]), [10])[0], [11])
 * @category transforms
 * @since 0.1.0
 */
export const statelessWithTreeMap = (
  f: (update: Leaf, param: Leaf | undefined) => Leaf,
): GradientTransformation<EmptyState> => ({
  init: initEmptyState,
  update: (updates, state, params) => {
    checkState('statelessWithTreeMap', state, EMPTY_STATE_SPEC, updates, params)
    const out =
      params === undefined
        ? mapTrees((_, [u]) => f(u as Leaf, undefined), [updates], ['updates'])
        : mapTrees((_, [u, p]) => f(u as Leaf, p as Leaf), [updates, params], ['updates', 'params'])
    return [out as typeof updates, state]
  },
})

/** @internal Multiplies every update by a scalar; shared by `scale`, `scaleByLearningRate` and friends. */
export const scaleTree = <P extends PyTree>(s: number, updates: P): P => affineTrees(s, 0, [updates], TREE)

const TREE = ['tree']
