import { HyperparameterError } from '../core/errors'
import { dual } from '../core/function'
import { checkBoolean, checkInteger, inheritNotes } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { isOptionsObject } from './_internal/firstArg'
import { checkTransformation, isTransformation } from './_internal/isTransformation'
import { type StateSpec, checkParams, checkState, innerStateChecker } from '../core/stateCheck'
import type { DType } from '../core/tensor'
import { checkDtype, inDtype } from './_internal/accumulatorDtype'
import { learningRatesIn, withLearningRate } from '../core/learningRate'

const STATE: StateSpec = {
  miniStep: 'count',
  gradientStep: 'count',
  innerOptState: 'any',
  accGrads: 'tree',
  skipState: 'pytree',
}

/**
 * Decides whether a micro-batch's gradients are dropped (as if the step never happened), as optax's
 * `ShouldSkipUpdateFunction`: returns `[skip, info]`, and `info` (any pytree) is stored in `MultiStepsState.skipState`.
 * @category transforms
 * @since 0.1.0
 */
export type ShouldSkipUpdateFn = (
  updates: PyTree,
  gradientStep: number,
  params: PyTree | undefined,
) => readonly [skip: boolean, info: PyTree]

/**
 * Options of {@link multiSteps}.
 * @category transforms
 * @since 0.1.0
 */
export interface MultiStepsOptions {
  /**
   * How many micro-batches make one optimizer step: an integer ≥ 1, or a function of the optimizer step count
   * (`gradientStep`) returning one, to grow the batch during training.
   * @defaultValue required
   */
  readonly everyKSchedule: number | ((gradientStep: number) => number)
  /**
   * Average the accumulated gradients (true) or sum them (false).
   * @defaultValue true
   */
  readonly useGradMean?: boolean
  /**
   * Drops micro-batches for which it returns `[true, info]`; the state is then unchanged except `skipState`.
   * @defaultValue never skip
   */
  readonly shouldSkipUpdateFn?: ShouldSkipUpdateFn
  /**
   * The dtype of the accumulated gradients (optax's `accumulator_dtype`, which defaults to float32 there): `'float64'`
   * sums float32 micro-batch gradients without rounding; the inner optimizer gets them in the updates' dtype.
   * @defaultValue the dtype of each param
   */
  readonly accumulatorDtype?: DType | undefined
}

/**
 * State of {@link multiSteps}.
 * @category transforms
 * @since 0.1.0
 */
export interface MultiStepsState<S> {
  /** The number of micro-batches accumulated in the current optimizer step, in [0, k). */
  readonly miniStep: number
  /** The number of optimizer steps done (emitted updates). */
  readonly gradientStep: number
  /** The wrapped optimizer's state; it advances only when an update is emitted. */
  readonly innerOptState: S
  /** The running mean (or sum) of the current step's gradients, with the params' structure and dtypes. */
  readonly accGrads: PyTree
  /** The info returned by `shouldSkipUpdateFn` at the last call (`null` without one). */
  readonly skipState: PyTree
}

const noSkip: ShouldSkipUpdateFn = () => [false, null]

function multiStepsBody<S>(
  inner: GradientTransformation<S>,
  options: number | MultiStepsOptions,
): GradientTransformation<MultiStepsState<S>> {
  const owner = 'multiSteps'
  checkTransformation(owner, 'inner', inner)
  const o = (isOptionsObject(options) ? options : { everyKSchedule: options }) as Partial<MultiStepsOptions>
  const every = o.everyKSchedule
  const everyK =
    typeof every === 'function'
      ? every
      : (
          (k) => () =>
            k
        )(checkInteger(owner, 'options.everyKSchedule', every, '[1, Infinity)'))
  const mean = checkBoolean(owner, 'options.useGradMean', o.useGradMean ?? true)
  const accDtype = checkDtype(owner, 'options.accumulatorDtype', o.accumulatorDtype)
  const spec: StateSpec = accDtype === undefined ? STATE : { ...(STATE as object), accGrads: 'treeLike' }
  const skipFn = o.shouldSkipUpdateFn ?? noSkip
  if (typeof skipFn !== 'function') {
    throw new HyperparameterError(`${owner} options.shouldSkipUpdateFn must be a function; got ${String(skipFn)}`)
  }
  const accumulate = mean
    ? (g: number, acc: number, n: number) => acc + (g - acc) / (n + 1)
    : (g: number, acc: number) => acc + g
  const checkInner = innerStateChecker(owner, 'state.innerOptState', inner)
  const tx = inheritNotes<GradientTransformation<MultiStepsState<S>>>(
    {
      init: (params) => (
        checkParams('multiSteps.init', params),
        {
          miniStep: 0,
          gradientStep: 0,
          innerOptState: inner.init(params),
          accGrads: inDtype(tree.zerosLike(params), accDtype),
          skipState: skipFn(tree.zerosLike(params), 0, params)[1],
        }
      ),
      update: <P extends PyTree>(updates: P, state: MultiStepsState<S>, params?: P, extra?: ExtraArgs) => {
        checkState(owner, state, spec, updates, params)
        checkInner(state.innerOptState, params ?? updates)
        const [skip, skipState] = skipFn(updates, state.gradientStep, params)
        if (skip) return [tree.zerosLike(updates), { ...state, skipState }] as const
        const k = everyK(state.gradientStep)
        const n = state.miniStep
        const acc = inDtype(
          tree.mapElementwiseNamed(
            ['updates', 'state.accGrads'],
            (g, a) => accumulate(g, a, n),
            updates,
            state.accGrads,
          ),
          accDtype,
        ) as P
        const next = { miniStep: (n + 1) % k, skipState }
        if (n !== k - 1) {
          const s = { ...state, ...next, accGrads: acc }
          return [tree.zerosLike(updates), s] as const
        }
        const toInner = accDtype === undefined ? acc : tree.castLike(acc, updates)
        const [u, innerOptState] = inner.update(toInner, state.innerOptState, params, extra)
        const s = { ...next, gradientStep: state.gradientStep + 1, innerOptState, accGrads: tree.zerosLike(acc) }
        return [u, s] as const
      },
    },
    [inner],
  )
  // currentLearningRate looks through the wrapper into the inner state.
  return withLearningRate(tx, (s: MultiStepsState<S>) => learningRatesIn(inner, s.innerOptState))
}

/**
 * Gradient accumulation: averages the gradients of `k` micro-batches and makes one optimizer step with them.
 *
 * Each call adds the micro-batch's gradients to an accumulator (a running mean, or a sum with
 * `useGradMean: false`) and returns zeros, except every `k`-th call, which runs the wrapped optimizer once on the
 * accumulated gradients, returns its updates, and resets the accumulator. The wrapped optimizer's state (moments,
 * count, schedules) only advances on those calls, so a schedule inside it counts optimizer steps, not micro-batches.
 * This is optax's `MultiSteps`; {@link multiStepsHasUpdated} is its `has_updated`. Call it data-first,
 * `multiSteps(inner, { everyKSchedule: 4 })`, or data-last, `pipe(inner, multiSteps(4))`.
 *
 * ```text
 * k = everyKSchedule(gradientStep),  n = miniStep
 * A ← A + (g − A)/(n + 1)        (mean, Welford)     or   A ← A + g   (sum)
 * n = k − 1:  (u, s) = inner(A, s),  A ← 0,  gradientStep ← gradientStep + 1
 * otherwise:  u = 0, inner state kept
 * miniStep ← (n + 1) mod k
 * ```
 *
 * @param inner - The optimizer to run on the accumulated gradients.
 * @param options - {@link MultiStepsOptions}, or `everyKSchedule` positionally.
 * @returns A {@link GradientTransformation} whose state is a {@link MultiStepsState}.
 * @throws HyperparameterError when `inner` is not a transformation, `everyKSchedule` is neither an integer ≥ 1 nor a
 * function, `useGradMean` is not a boolean or `shouldSkipUpdateFn` is not a function.
 * @example
 * import { multiSteps, multiStepsHasUpdated, sgd } from 'descent-ts'
 * const tx = multiSteps(sgd(1), { everyKSchedule: 2 })
 * const [u0, s1] = tx.update([1], tx.init([0]))
 * const [u1, s2] = tx.update([3], s1)
 * assert.deepStrictEqual([u0, u1], [[0], [-2]]) // one step on the mean gradient (1 + 3)/2
 * assert.deepStrictEqual([multiStepsHasUpdated(s1), multiStepsHasUpdated(s2)], [false, true])
 * @see applyEvery, multiStepsHasUpdated
 * @category transforms
 * @since 0.1.0
 */
export const multiSteps: {
  <S>(inner: GradientTransformation<S>, options: number | MultiStepsOptions): GradientTransformation<MultiStepsState<S>>
  (
    options: number | MultiStepsOptions,
  ): <S>(inner: GradientTransformation<S>) => GradientTransformation<MultiStepsState<S>>
} = dual((args) => isTransformation(args[0]), multiStepsBody)

/**
 * Whether the last {@link multiSteps} update emitted an optimizer step (optax's `MultiSteps.has_updated`).
 *
 * True right after the `k`-th micro-batch of a step, when the params moved.
 *
 * ```text
 * hasUpdated = (miniStep = 0) ∧ (gradientStep > 0)
 * ```
 *
 * @param state - A {@link MultiStepsState}.
 * @returns true when the last update applied the accumulated gradients.
 * @example
 * import { multiSteps, multiStepsHasUpdated, sgd } from 'descent-ts'
 * const tx = multiSteps(sgd(1), 3)
 * assert.strictEqual(multiStepsHasUpdated(tx.init([0])), false)
 * @see multiSteps
 * @category transforms
 * @since 0.1.0
 */
export const multiStepsHasUpdated = (state: Pick<MultiStepsState<unknown>, 'miniStep' | 'gradientStep'>): boolean =>
  state.miniStep === 0 && state.gradientStep > 0
