import { StructureError } from '../core/errors'
import { dual } from '../core/function'
import { checkBoolean, checkInRange, checkInteger, inheritNotes } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { checkTransformation, isTransformation } from './_internal/isTransformation'
import { type StateSpec, checkSameTrees, checkState, checkParams } from '../core/stateCheck'
import { learningRatesIn, withLearningRate } from '../core/learningRate'

const STATE: StateSpec = { fastState: 'any', stepsSinceSync: 'count' }

function assertFastAndSlow(params: unknown): asserts params is LookaheadParams {
  const ok =
    typeof params === 'object' &&
    params !== null &&
    !Array.isArray(params) &&
    Object.keys(params).sort().join() === 'fast,slow'
  if (!ok) {
    throw new StructureError(
      `lookahead: params must be { fast, slow } (lookaheadParams(params)); got ${params === undefined ? 'undefined' : 'another tree'}. ` +
        'Pass the lookahead params to update: the gradients are taken at params.fast.',
    )
  }
}

/**
 * Options of {@link lookahead}.
 * @category transforms
 * @since 0.1.0
 */
export interface LookaheadOptions {
  /**
   * The number of fast steps between two synchronisations (k in the paper). An integer in [1, Infinity).
   * @defaultValue required
   */
  readonly syncPeriod: number
  /**
   * How far the slow params move towards the fast ones at a synchronisation (α in the paper). Must be finite.
   * @defaultValue required
   */
  readonly slowStepSize: number
  /**
   * Re-initialise the fast optimizer's state at every synchronisation.
   * @defaultValue false
   */
  readonly resetState?: boolean
}

/**
 * The params of {@link lookahead}: the fast params (take the gradients here) and the slow params (evaluate these).
 * Build them with {@link lookaheadParams}.
 * @category transforms
 * @since 0.1.0
 */
export interface LookaheadParams<P extends PyTree = PyTree> {
  readonly fast: P
  readonly slow: P
  readonly [key: string]: PyTree
}

/**
 * The transformation {@link lookahead} returns: its `update` takes gradients with the fast params' structure and
 * the {@link LookaheadParams}, and returns `{ fast, slow }` updates for them (so `applyUpdates(params, updates)`
 * type-checks). It is also a {@link GradientTransformation}, so it can be wrapped and chained.
 * @category transforms
 * @since 0.1.0
 */
export interface LookaheadTransformation<S> extends GradientTransformation<LookaheadState<S>> {
  readonly update: {
    <P extends PyTree>(
      updates: P,
      state: LookaheadState<S>,
      params: LookaheadParams<P>,
      extra?: ExtraArgs,
    ): readonly [updates: LookaheadParams<P>, state: LookaheadState<S>]
    <P extends PyTree>(
      updates: P,
      state: LookaheadState<S>,
      params?: P,
      extra?: ExtraArgs,
    ): readonly [updates: P, state: LookaheadState<S>]
  }
}

/**
 * State of {@link lookahead}.
 * @category transforms
 * @since 0.1.0
 */
export interface LookaheadState<S> {
  /** The fast optimizer's state. */
  readonly fastState: S
  /** The number of fast steps since the last synchronisation, in [0, syncPeriod). */
  readonly stepsSinceSync: number
}

function lookaheadBody<S>(fast: GradientTransformation<S>, options: LookaheadOptions): LookaheadTransformation<S> {
  const owner = 'lookahead'
  checkTransformation(owner, 'fastOptimizer', fast)
  const o = (options ?? {}) as Partial<LookaheadOptions>
  const k = checkInteger(owner, 'options.syncPeriod', o.syncPeriod, '[1, Infinity)')
  const alpha = checkInRange(owner, 'options.slowStepSize', o.slowStepSize, '(-Infinity, Infinity)')
  const reset = checkBoolean(owner, 'options.resetState', o.resetState ?? false)
  const fastOf = (params: PyTree): PyTree =>
    typeof params === 'object' && params !== null && !Array.isArray(params) && 'fast' in params ? params.fast : params
  // The fast updates become { fast, slow } updates: the first overload of LookaheadTransformation says so.
  function update<P extends PyTree>(
    updates: P,
    state: LookaheadState<S>,
    params: LookaheadParams<P>,
    extra?: ExtraArgs,
  ): readonly [LookaheadParams<P>, LookaheadState<S>]
  function update<P extends PyTree>(
    updates: P,
    state: LookaheadState<S>,
    params?: P,
    extra?: ExtraArgs,
  ): readonly [P, LookaheadState<S>]
  function update(
    updates: PyTree,
    state: LookaheadState<S>,
    params?: PyTree,
    extra?: ExtraArgs,
  ): readonly [LookaheadParams, LookaheadState<S>] {
    assertFastAndSlow(params)
    checkState(owner, state, STATE, updates, params.fast)
    checkSameTrees(owner, ['params.fast', 'params.slow'], [params.fast, params.slow])
    const [u, fastState] = fast.update(updates, state.fastState, params.fast, extra)
    const sync = state.stepsSinceSync === k - 1
    const out: LookaheadParams = sync
      ? {
          fast: tree.mapElementwise((f, uu, s) => uu - (1 - alpha) * (f + uu - s), params.fast, u, params.slow),
          slow: tree.mapElementwise((f, uu, s) => alpha * (f + uu - s), params.fast, u, params.slow),
        }
      : { fast: u, slow: tree.zerosLike(params.slow) }
    const stepsSinceSync = (state.stepsSinceSync + 1) % k
    return [out, { fastState: sync && reset ? fast.init(params.fast) : fastState, stepsSinceSync }]
  }
  const tx: LookaheadTransformation<S> = inheritNotes(
    {
      // As optax, init also accepts the fast params alone.
      init: (params) => (
        checkParams('lookahead.init', params),
        { fastState: fast.init(fastOf(params)), stepsSinceSync: 0 }
      ),
      update,
    },
    [fast],
  )
  // currentLearningRate looks through the wrapper into the inner state.
  return withLearningRate(tx, (s: LookaheadState<S>) => learningRatesIn(fast, s.fastState))
}

/**
 * The Lookahead optimizer: k fast steps forward, then one step back towards the slow weights.
 *
 * The params are a {@link LookaheadParams} `{ fast, slow }` (start with {@link lookaheadParams}); the gradients are
 * taken at `params.fast` and have the fast params' structure. The fast optimizer updates the fast params; every
 * `syncPeriod` steps the slow params move a fraction `slowStepSize` of the way to the fast ones, and the fast params
 * are reset to the new slow params. The returned updates are `{ fast, slow }`: apply them to the params unchanged.
 * Mirrors optax's `lookahead`. Call it data-first, `lookahead(fast, { syncPeriod, slowStepSize })`, or data-last.
 *
 * ```text
 * u = fast(g, s)                        d = θ_fast + u − θ_slow
 * sync (every syncPeriod-th step):     Δθ_slow = α·d,   Δθ_fast = u − (1 − α)·d   (so θ_fast ← θ_slow + α·d)
 * otherwise:                           Δθ_slow = 0,     Δθ_fast = u
 * ```
 *
 * References: Zhang, Lucas, Hinton & Ba, Lookahead Optimizer: k steps forward, 1 step back, 2019,
 * https://arxiv.org/abs/1907.08610.
 *
 * @param fastOptimizer - The inner (fast) optimizer.
 * @param options - {@link LookaheadOptions}.
 * @returns A {@link LookaheadTransformation} over {@link LookaheadParams}, whose state is a {@link LookaheadState}.
 * @throws HyperparameterError when `fastOptimizer` is not a transformation, `syncPeriod` is not an integer ≥ 1, or
 * `slowStepSize` is not finite.
 * @example
 * import { applyUpdates, lookahead, lookaheadParams, sgd } from 'descent-ts'
 * const tx = lookahead(sgd(1), { syncPeriod: 2, slowStepSize: 0.5 })
 * let params = lookaheadParams([0])
 * let state = tx.init(params)
 * for (const g of [[-1], [-1]]) {
 *   const [u, next] = tx.update(g, state, params)
 *   params = applyUpdates(params, u)
 *   state = next
 * }
 * assert.deepStrictEqual(params, { fast: [1], slow: [1] }) // fast reached 2, slow moved halfway
 * @see lookaheadParams
 * @category transforms
 * @since 0.1.0
 */
export const lookahead: {
  <S>(fastOptimizer: GradientTransformation<S>, options: LookaheadOptions): LookaheadTransformation<S>
  (options: LookaheadOptions): <S>(fastOptimizer: GradientTransformation<S>) => LookaheadTransformation<S>
} = dual((args) => isTransformation(args[0]), lookaheadBody)
