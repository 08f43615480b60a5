import { dual } from '../core/function'
import { checkInteger, inheritNotes } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { isOptionsObject } from './_internal/firstArg'
import { checkTransformation, isTransformation } from './_internal/isTransformation'
import { type StateSpec, checkParams, checkState, innerStateChecker } from '../core/stateCheck'
import { learningRatesIn, withLearningRate } from '../core/learningRate'

const STATE: StateSpec = { notfiniteCount: 'count', lastFinite: 'number', totalNotfinite: 'count', innerState: 'any' }

/**
 * Options of {@link applyIfFinite}.
 * @category transforms
 * @since 0.1.0
 */
export interface ApplyIfFiniteOptions {
  /**
   * How many consecutive non-finite updates are skipped; the next one is applied anyway (optax's required
   * `max_consecutive_errors`). An integer in [0, Infinity], or Infinity to never give up.
   * @defaultValue Infinity
   */
  readonly maxConsecutiveErrors?: number
}

/**
 * State of {@link applyIfFinite}.
 * @category transforms
 * @since 0.1.0
 */
export interface ApplyIfFiniteState<S> {
  /**
   * Number of consecutive skipped updates with an Inf or NaN; reset to 0 by a finite update and by the non-finite
   * update applied when the wrapper gives up (so the next streak is skipped again, as optax PR #1746 fixes).
   */
  readonly notfiniteCount: number
  /**
   * 1 if the last update was finite, else 0 (a number rather than optax's bool, so that the state stays a numeric
   * pytree that tree functions and checkpoints accept).
   */
  readonly lastFinite: number
  /** Number of updates with an Inf or NaN since init; never reset. */
  readonly totalNotfinite: number
  /** The wrapped transform's state, kept unchanged on skipped steps. */
  readonly innerState: S
}

function applyIfFiniteBody<S>(
  inner: GradientTransformation<S>,
  options: number | ApplyIfFiniteOptions = {},
): GradientTransformation<ApplyIfFiniteState<S>> {
  const owner = 'applyIfFinite'
  checkTransformation(owner, 'inner', inner)
  const positional = !isOptionsObject(options)
  const raw = positional ? options : ((options as ApplyIfFiniteOptions).maxConsecutiveErrors ?? Infinity)
  const name = positional ? 'maxConsecutiveErrors' : 'options.maxConsecutiveErrors'
  const max = raw === Infinity ? Infinity : checkInteger(owner, name, raw, '[0, Infinity)')
  const checkInner = innerStateChecker(owner, 'state.innerState', inner)
  const tx = inheritNotes<GradientTransformation<ApplyIfFiniteState<S>>>(
    {
      init: (params) => (
        checkParams('applyIfFinite.init', params),
        { notfiniteCount: 0, lastFinite: 1, totalNotfinite: 0, innerState: inner.init(params) }
      ),
      update: <P extends PyTree>(updates: P, state: ApplyIfFiniteState<S>, params?: P, extra?: ExtraArgs) => {
        checkState(owner, state, STATE, updates, params)
        checkInner(state.innerState, params ?? updates)
        const finite = tree.allFinite(updates)
        const streak = finite ? 0 : state.notfiniteCount + 1
        const givesUp = streak > max
        const [u, innerState] =
          finite || givesUp
            ? inner.update(updates, state.innerState, params, extra)
            : ([tree.zerosLike(updates), state.innerState] as const)
        // Giving up ends the streak (optax PR #1746): otherwise every later non-finite update would pass too.
        const notfiniteCount = givesUp ? 0 : streak
        const totalNotfinite = finite ? state.totalNotfinite : state.totalNotfinite + 1
        return [u, { notfiniteCount, lastFinite: finite ? 1 : 0, totalNotfinite, innerState }] as const
      },
    },
    [inner],
  )
  // currentLearningRate looks through the wrapper into the inner state.
  return withLearningRate(tx, (s: ApplyIfFiniteState<S>) => learningRatesIn(inner, s.innerState))
}

/**
 * Skips updates that contain an Inf or a NaN: the wrapped transform never sees them, and a zero update is returned.
 *
 * When the incoming updates (usually the gradients) are all finite, the inner transform runs as usual. Otherwise the
 * step returns zeros and keeps the inner state, so moments are not poisoned by a NaN. After
 * `maxConsecutiveErrors` skipped steps in a row the wrapper gives up and applies the next non-finite update anyway,
 * as optax's `apply_if_finite`. The counters in the state report what happened. Call it data-first,
 * `applyIfFinite(inner, { maxConsecutiveErrors: 5 })`, or data-last, `pipe(inner, applyIfFinite({ … }))`.
 *
 * ```text
 * finite_t = all(isfinite(g_t))       k_t = finite_t ? 0 : n_{t−1} + 1      giveUp_t = k_t > maxConsecutiveErrors
 * (u_t, s_t) = inner(g_t, s_{t−1})    if finite_t or giveUp_t
 * (u_t, s_t) = (0, s_{t−1})           otherwise
 * n_t = giveUp_t ? 0 : k_t           (notfiniteCount)
 * ```
 *
 * The reset on giving up is optax PR #1746's fix: optax's `apply_if_finite` keeps counting, so once it has given up
 * it applies every later non-finite update, and `notfinite_count` no longer counts consecutive skips.
 *
 * @param inner - The transform to protect.
 * @param options - {@link ApplyIfFiniteOptions}, or `maxConsecutiveErrors` positionally.
 * @returns A {@link GradientTransformation} whose state is an {@link ApplyIfFiniteState}.
 * @throws HyperparameterError when `inner` is not a transformation or `maxConsecutiveErrors` is not a non-negative
 * integer (or Infinity).
 * @example
 * import { adam, applyIfFinite, tensor } from 'descent-ts'
 * import { pipe } from 'fp-ts/function'
 * const tx = pipe(adam(0.1), applyIfFinite({ maxConsecutiveErrors: 2 }))
 * const s0 = tx.init({ w: tensor([1, 1]) })
 * const [u, s1] = tx.update({ w: tensor([NaN, 1]) }, s0)
 * assert.deepStrictEqual(u.w.toArray(), [0, 0])
 * assert.deepStrictEqual([s1.notfiniteCount, s1.lastFinite, s1.totalNotfinite], [1, 0, 1])
 * assert.strictEqual(s1.innerState, s0.innerState) // Adam's moments untouched
 * @see masked, multiSteps
 * @category transforms
 * @since 0.1.0
 */
export const applyIfFinite: {
  <S>(
    inner: GradientTransformation<S>,
    options?: number | ApplyIfFiniteOptions,
  ): GradientTransformation<ApplyIfFiniteState<S>>
  (
    options?: number | ApplyIfFiniteOptions,
  ): <S>(inner: GradientTransformation<S>) => GradientTransformation<ApplyIfFiniteState<S>>
} = dual((args) => isTransformation(args[0]), applyIfFiniteBody)
