import { dual } from '../core/function'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import type { ConditionFn, ConditionallyTransformOptions } from './conditionallyTransform'
import { conditionalBody } from './_internal/conditional'
import { isTransformation } from './_internal/isTransformation'

/**
 * State of {@link conditionallyMask}.
 * @category transforms
 * @since 0.1.0
 */
export interface ConditionallyMaskState<S> {
  /** The wrapped transform's state; unchanged on steps where it does not run. */
  readonly innerState: S
  /** The number of `update` calls so far (the `step` given to the condition). */
  readonly step: number
}

/**
 * Runs the inner transform only at the steps a condition selects; at the other steps the updates are zero.
 *
 * As {@link conditionallyTransform}, but a step where `shouldTransformFn(step)` is false returns zeros (so the params
 * do not move) instead of the incoming updates. The inner state is kept on those steps. Mirrors optax's
 * `conditionally_mask`. Call it data-first or data-last, `pipe(inner, conditionallyMask(fn))`.
 *
 * ```text
 * (u_t, s_t) = inner(g_t, s_{t−1})    if shouldTransformFn(t)
 * (u_t, s_t) = (0, s_{t−1})           otherwise            (t = 0, 1, 2, …)
 * ```
 *
 * @param inner - The transform to run conditionally.
 * @param shouldTransformFn - `(step, extra?) => boolean`.
 * @param options - {@link ConditionallyTransformOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ConditionallyMaskState}.
 * @throws HyperparameterError when `inner` is not a transformation, `shouldTransformFn` is not a function or
 * `forwardExtraArgs` is not a boolean.
 * @example
 * import { conditionallyMask, sgd } from 'descent-ts'
 * const tx = conditionallyMask(sgd(0.5), (step) => step >= 1) // no step at all on the first call
 * const [u0, s1] = tx.update([2], tx.init([0]))
 * const [u1] = tx.update([2], s1)
 * assert.deepStrictEqual([u0, u1], [[0], [-1]])
 * @see conditionallyTransform
 * @category transforms
 * @since 0.1.0
 */
export const conditionallyMask: {
  <S>(
    inner: GradientTransformation<S>,
    shouldTransformFn: ConditionFn,
    options?: ConditionallyTransformOptions,
  ): GradientTransformation<ConditionallyMaskState<S>>
  (
    shouldTransformFn: ConditionFn,
    options?: ConditionallyTransformOptions,
  ): <S>(inner: GradientTransformation<S>) => GradientTransformation<ConditionallyMaskState<S>>
} = dual(
  (args) => isTransformation(args[0]),
  <S>(inner: GradientTransformation<S>, fn: ConditionFn, options: ConditionallyTransformOptions = {}) =>
    conditionalBody('conditionallyMask', inner, fn, options, (updates) => tree.zerosLike(updates)),
)
