import { dual } from '../core/function'
import type { ExtraArgs, GradientTransformation } from '../core/types'
import { conditionalBody } from './_internal/conditional'
import { isTransformation } from './_internal/isTransformation'

/**
 * Options of {@link conditionallyTransform} and {@link conditionallyMask}.
 * @category transforms
 * @since 0.1.0
 */
export interface ConditionallyTransformOptions {
  /**
   * Also pass the extra arguments of `update` to `shouldTransformFn` (as its second argument).
   * @defaultValue false
   */
  readonly forwardExtraArgs?: boolean
}

/**
 * Decides from the number of previous `update` calls (and, with `forwardExtraArgs`, the extra arguments) whether
 * the inner transform runs at this step.
 * @category transforms
 * @since 0.1.0
 */
export type ConditionFn = (step: number, extra?: ExtraArgs) => boolean

/**
 * State of {@link conditionallyTransform}.
 * @category transforms
 * @since 0.1.0
 */
export interface ConditionallyTransformState<S> {
  /** The wrapped transform's state; unchanged on steps where it does not run. */
  readonly innerState: S
  /** The number of `update` calls so far (the `step` given to the condition). */
  readonly step: number
}

/**
 * Runs the inner transform only at the steps a condition selects; at the other steps the updates pass through.
 *
 * `shouldTransformFn(step)` is called with the number of previous `update` calls (0 first). When it returns true the
 * inner transform runs; otherwise the updates are returned unchanged and the inner state is kept. Use
 * {@link conditionallyMask} to return zeros instead. Mirrors optax's `conditionally_transform`. Call it data-first,
 * `conditionallyTransform(inner, fn)`, or data-last, `pipe(inner, conditionallyTransform(fn))`.
 *
 * ```text
 * (u_t, s_t) = inner(g_t, s_{t−1})    if shouldTransformFn(t)
 * (u_t, s_t) = (g_t, s_{t−1})         otherwise            (t = 0, 1, 2, …)
 * ```
 *
 * @param inner - The transform to run conditionally.
 * @param shouldTransformFn - `(step, extra?) => boolean`.
 * @param options - {@link ConditionallyTransformOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ConditionallyTransformState}.
 * @throws HyperparameterError when `inner` is not a transformation, `shouldTransformFn` is not a function or
 * `forwardExtraArgs` is not a boolean.
 * @example
 * import { conditionallyTransform, scale } from 'descent-ts'
 * const tx = conditionallyTransform(scale(10), (step) => step % 2 === 1) // every other step
 * const [u0, s1] = tx.update([1], tx.init([0]))
 * const [u1, s2] = tx.update([1], s1)
 * assert.deepStrictEqual([u0, u1, s2.step], [[1], [10], 2])
 * @see conditionallyMask, applyEvery
 * @category transforms
 * @since 0.1.0
 */
export const conditionallyTransform: {
  <S>(
    inner: GradientTransformation<S>,
    shouldTransformFn: ConditionFn,
    options?: ConditionallyTransformOptions,
  ): GradientTransformation<ConditionallyTransformState<S>>
  (
    shouldTransformFn: ConditionFn,
    options?: ConditionallyTransformOptions,
  ): <S>(inner: GradientTransformation<S>) => GradientTransformation<ConditionallyTransformState<S>>
} = dual(
  (args) => isTransformation(args[0]),
  <S>(inner: GradientTransformation<S>, fn: ConditionFn, options: ConditionallyTransformOptions = {}) =>
    conditionalBody('conditionallyTransform', inner, fn, options, (updates) => updates),
)
