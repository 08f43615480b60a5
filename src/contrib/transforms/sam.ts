import { DescentError } from '../../core/errors'
import { checkBoolean, checkInteger, inheritNotes } from '../../core/hyperparams'
import { type StateSpec, checkState, innerStateChecker } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../../core/types'
import { checkTransformation } from '../../transforms/_internal/isTransformation'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link sam}.
 * @category contrib
 * @since 0.1.0
 */
export interface SamOptions {
  /** The outer optimizer runs every `syncPeriod`-th step (an integer ≥ 1). @defaultValue 2 */
  readonly syncPeriod?: number
  /** Reset the adversarial optimizer's state after each outer step. @defaultValue true */
  readonly resetState?: boolean
  /**
   * Run the adversarial steps inside one `update` call, with gradients from `extra.gradFn(params, i)`, so that only
   * outer updates are visible (for models with side effects such as batch-norm statistics). @defaultValue false
   */
  readonly opaqueMode?: boolean
}

/**
 * State of {@link sam}.
 * @category contrib
 * @since 0.1.0
 */
export interface SamState<S = unknown, A = unknown> {
  /** Adversarial steps since the last outer step. */
  readonly stepsSinceSync: number
  /** The outer optimizer's state. */
  readonly optState: S
  /** The adversarial optimizer's state. */
  readonly advState: A
  /** The params at the last outer step (null in opaque mode). */
  readonly cache: PyTree
}

/** The cached params mirror the updates; opaque mode caches nothing (null). */
const stateSpec = (opaque: boolean): StateSpec => ({
  stepsSinceSync: 'count',
  optState: 'any',
  advState: 'any',
  cache: opaque ? (v: unknown) => (v === null ? undefined : 'null (opaqueMode caches nothing)') : 'tree',
})

/**
 * Sharpness-Aware Minimization as a wrapper: `syncPeriod − 1` adversarial steps (with `advOptimizer`, whose updates
 * are negated, so a descent optimizer becomes an ascent), then one outer step of `optimizer`, taken from the params
 * cached before the adversarial steps with the gradient at the perturbed point. With `advOptimizer =
 * chain(contrib.normalize(), sgd(ρ))` and `syncPeriod = 2` this is the SAM of the paper.
 *
 * ```text
 * adversarial step:  u = −adv(g) (= +ρ·g/‖g‖ for normalize + sgd(ρ)),   cache = θ at the first step of a period
 * outer step:        u = cache − θ + opt(g; state at cache)      (θ returns to the cache, then takes the outer step)
 * ```
 *
 * References: Foret et al. 2021, "Sharpness-Aware Minimization for Efficiently Improving Generalization",
 * https://arxiv.org/abs/2010.01412
 *
 * @param optimizer - The outer optimizer.
 * @param advOptimizer - The adversarial optimizer (a descent optimizer; its updates are negated).
 * @param options - {@link SamOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link SamState}; `update` needs the params (and
 * `extra.gradFn` in opaque mode).
 * @example
 * import { applyUpdates, chain, contrib, sgd, tensor } from 'descent-ts'
 * const opt = contrib.sam(sgd(0.1), chain(contrib.normalize(), sgd(0.05)))
 * let x = tensor([3, 4])
 * let state = opt.init(x)
 * // Step 1 (adversarial): x moves by +0.05·g/‖g‖ = [0.03, 0.04].
 * let [u, next] = opt.update(tensor([3, 4]), state, x)
 * assert.deepStrictEqual((u.toArray() as number[]).map((v) => Math.round(v * 1e6) / 1e6), [0.03, 0.04])
 * x = applyUpdates(x, u)
 * state = next
 * // Step 2 (outer): back to the cached [3, 4], then −0.1·g with g taken at the perturbed point.
 * ;[u] = opt.update(tensor([1, 1]), state, x)
 * assert.deepStrictEqual((applyUpdates(x, u).toArray() as number[]).map((v) => Math.round(v * 1e6) / 1e6), [2.9, 3.9])
 * @see normalize
 * @category contrib
 * @since 0.1.0
 */
export function sam<S, A>(
  optimizer: GradientTransformation<S>,
  advOptimizer: GradientTransformation<A>,
  options: SamOptions = {},
): GradientTransformation<SamState<S, A>> {
  const owner = 'sam'
  checkTransformation(owner, 'optimizer', optimizer as GradientTransformation<unknown>)
  checkTransformation(owner, 'advOptimizer', advOptimizer as GradientTransformation<unknown>)
  const syncPeriod = checkInteger(owner, 'options.syncPeriod', options.syncPeriod ?? 2, '[1, Infinity)')
  const resetState = checkBoolean(owner, 'options.resetState', options.resetState ?? true)
  const opaque = checkBoolean(owner, 'options.opaqueMode', options.opaqueMode ?? false)
  const STATE = stateSpec(opaque)
  // The two inner states are not both used on every step: checked against their inits' shapes on every step.
  const checkOpt = innerStateChecker(owner, 'state.optState', optimizer)
  const checkAdv = innerStateChecker(owner, 'state.advState', advOptimizer)
  const negate = <P extends PyTree>(u: P): P => tree.scale(-1, u)

  const transparent = <P extends PyTree>(updates: P, state: SamState<S, A>, params: P, extra?: ExtraArgs) => {
    const first = state.stepsSinceSync === 0
    const last = state.stepsSinceSync === syncPeriod - 1
    const stepsSinceSync = (state.stepsSinceSync + 1) % syncPeriod
    const cache = first ? copyLeaves(params) : state.cache
    if (!last) {
      const [adv, advState] = advOptimizer.update(updates, state.advState, params, extra)
      return [negate(adv), { stepsSinceSync, optState: state.optState, advState, cache }] as const
    }
    const from = state.cache as P
    const [u, optState] = optimizer.update(updates, state.optState, from, extra)
    const out = tree.mapElementwiseNamed(
      ['state.cache', 'params', 'outer updates'],
      (c, p, v) => c - p + v,
      from,
      params,
      u,
    )
    const advState = resetState ? advOptimizer.init(params) : state.advState
    return [out as P, { stepsSinceSync, optState, advState, cache }] as const
  }

  const opaqueUpdate = <P extends PyTree>(updates: P, state: SamState<S, A>, params: P, extra?: ExtraArgs) => {
    const gradFn = extra?.gradFn
    if (typeof gradFn !== 'function')
      throw new DescentError(`${owner} in opaqueMode needs extra.gradFn: (params, i) => the gradient at params`)
    let advParams = params
    let g: P = updates
    let advState = state.advState
    for (let i = 0; i < syncPeriod - 1; i++) {
      const [adv, next] = advOptimizer.update(g, advState, advParams, extra)
      advState = next
      advParams = tree.sub(advParams, adv)
      g = (gradFn as (p: PyTree, i: number) => PyTree)(advParams, i) as P
    }
    if (resetState) advState = advOptimizer.init(params)
    const [u, optState] = optimizer.update(g, state.optState, params, extra)
    return [u, { stepsSinceSync: 0, optState, advState, cache: null }] as const
  }

  return inheritNotes(
    {
      init: (params) => ({
        stepsSinceSync: 0,
        optState: optimizer.init(params),
        advState: advOptimizer.init(params),
        cache: opaque ? null : copyLeaves(params),
      }),
      update: <P extends PyTree>(updates: P, state: SamState<S, A>, params?: P, extra?: ExtraArgs) => {
        const x = paramsRequired(owner, params, { chain: 'e.g. contrib.sam(…)' })
        checkState(owner, state, STATE, updates, x)
        checkOpt(state.optState, x)
        checkAdv(state.advState, x)
        return opaque ? opaqueUpdate(updates, state, x, extra) : transparent(updates, state, x, extra)
      },
    },
    [optimizer, advOptimizer],
  )
}

withHyperparamDefaults(sam, 2, { syncPeriod: 2 })
