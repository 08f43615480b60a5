import type { Tensor } from './tensor'

/**
 * A leaf of a pytree: a {@link Tensor} or a JS `number` (a float64 scalar).
 * @category tree
 * @since 0.1.0
 */
export type Leaf = Tensor | number

/**
 * A nested structure of leaves: arrays and plain objects are nodes, `null` is an empty subtree.
 * Object keys are visited in sorted order, so a tree's structure never depends on insertion order.
 *
 * Every own enumerable key is data, including `__proto__`, `constructor` and `prototype` (params parsed with
 * `JSON.parse` may hold an own `__proto__` key). Trees that descent builds are plain objects in which such a key is
 * defined as an own data property, so it round-trips through `tree.map`, `flatten`/`unflatten`, `update` and
 * `applyUpdates` and never changes a prototype. Null-prototype objects are dict nodes too.
 *
 * Anything else is refused with an `InvalidTreeError` naming its path: a cycle (the path where it closes), a hole in
 * a sparse array, a boolean outside a mask, `undefined`, strings, Maps, class instances, raw typed arrays, and plain
 * objects that look like a serialised tensor (`_tag: 'Tensor'`: restore saved state with `loadCheckpoint`). Traversal
 * is iterative, so trees of any depth work.
 *
 * Params may be typed with `type` or with `interface` (an interface has no index signature; the last branch of the
 * union admits it, and its leaves are checked at runtime).
 * @example
 * import { applyUpdates, sgd, tensor, type PyTree, type Tensor } from 'descent-ts'
 * const params: PyTree = { layers: [{ w: tensor([[1, 2]]), b: tensor([0]) }], scale: 1, frozen: null }
 * assert.ok(params !== null)
 *
 * interface Linear {
 *   w: Tensor
 *   b: Tensor
 * }
 * const linear: Linear = { w: tensor([1, 2]), b: tensor(0) }
 * const grads: Linear = { w: tensor([1, 1]), b: tensor(1) }
 * const optimizer = sgd(0.5)
 * const [updates] = optimizer.update(grads, optimizer.init(linear), linear)
 * const next: Linear = applyUpdates(linear, updates)
 * assert.deepStrictEqual([next.w.toArray(), next.b.item()], [[0.5, 1.5], -0.5])
 * @category tree
 * @since 0.1.0
 */
export type PyTree =
  | Leaf
  | null
  | readonly PyTree[]
  | { readonly [key: string]: PyTree }
  // An object type declared with `interface` has no implicit index signature, so it never matches the branch above;
  // this branch admits it (its leaves are checked at runtime, naming the path), while a function or an array of
  // non-leaves still does not type-check. Object literals are still checked leaf by leaf against the branch above.
  | (object & { readonly call?: never; readonly bind?: never; readonly length?: never })

/**
 * A pytree of booleans (or a prefix of one): `true` selects a leaf or a whole subtree.
 * @category tree
 * @since 0.1.0
 */
export type MaskTree = boolean | null | readonly MaskTree[] | { readonly [key: string]: MaskTree }

/**
 * A mask given as a tree of booleans (a prefix of the params' structure) or as a function of the params.
 * @category transforms
 * @since 0.1.0
 */
export type MaskOrFn = MaskTree | ((params: PyTree) => MaskTree)

/**
 * A learning-rate (or other hyperparameter) schedule: the value to use at a 0-based step `count`.
 * @category schedules
 * @since 0.1.0
 */
export type Schedule = (count: number) => number

/**
 * A constant or a {@link Schedule}.
 * @category schedules
 * @since 0.1.0
 */
export type ScalarOrSchedule = number | Schedule

/**
 * Extra arguments to `update`, with optax's keyword names camelCased. Every transform ignores the ones it does not use.
 * @category transforms
 * @since 0.1.0
 */
export interface ExtraArgs {
  /** The loss value at `params` (used by Polyak step sizes, line searches, reduce-on-plateau). */
  readonly value?: number
  /** The gradient at `params`, when different from `updates`. */
  readonly grad?: PyTree
  /**
   * The loss as a function of params (used by line searches, which differentiate it: write it with ops). Declared as a
   * method so that a function of a concrete params type (`(p: Tensor) => ...`) is accepted.
   */
  valueFn?(params: PyTree): number | Tensor
  readonly [key: string]: unknown
}

/**
 * A gradient transformation: a pair of pure functions over pytrees, as in optax.
 *
 * `init(params)` makes the state; `update(updates, state, params?, extra?)` returns the transformed updates and the
 * next state. Neither ever modifies its arguments. Optimizers return *updates*; add them to the params with
 * {@link applyUpdates}.
 *
 * ```text
 * state₀ = init(θ₀)
 * (u_t, state_{t+1}) = update(g_t, state_t, θ_t)      θ_{t+1} = θ_t + u_t
 * ```
 *
 * @example
 * import { scale, tensor, applyUpdates, type EmptyState, type GradientTransformation } from 'descent-ts'
 * const tx: GradientTransformation<EmptyState> = scale(-0.5)
 * const params = { w: tensor([1, 2]) }
 * const [updates] = tx.update({ w: tensor([2, 2]) }, tx.init(params), params)
 * assert.deepStrictEqual((applyUpdates(params, updates).w).toArray(), [0, 1])
 *
 * @category transforms
 * @since 0.1.0
 */
export interface GradientTransformation<S = unknown> {
  readonly init: <P extends PyTree>(params: P) => S
  readonly update: <P extends PyTree>(
    updates: P,
    state: S,
    params?: P,
    extra?: ExtraArgs,
  ) => readonly [updates: P, state: S]
}
