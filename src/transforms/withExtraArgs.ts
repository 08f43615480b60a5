import { inheritNotes } from '../core/hyperparams'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { checkTransformation } from './_internal/isTransformation'
import { checkParams } from '../core/stateCheck'

/**
 * Adapts a transform written without extra arguments so it accepts them (optax's `with_extra_args_support`).
 *
 * In descent every `update` already receives the extra arguments (`{ value, grad, valueFn, … }`) and ignores those
 * it does not use, and {@link chain} passes them to every link, so a loss `value` reaches a
 * {@link reduceOnPlateau} placed after any transform. This wrapper exists for parity with optax and for transforms
 * written by hand as `(updates, state, params) => …`: it declares the four-argument `update` and forwards the extra
 * arguments, which such a transform ignores.
 *
 * ```text
 * withExtraArgs(t).update(g, s, θ, extra) = t.update(g, s, θ, extra)
 * ```
 *
 * @param tx - The transform to adapt.
 * @returns A {@link GradientTransformation} with the same state and updates.
 * @throws HyperparameterError when `tx` is not a transformation.
 * @example
 * import { chain, reduceOnPlateau, tree, withExtraArgs, type GradientTransformation } from 'descent-ts'
 * const double: GradientTransformation<null> = { init: () => null, update: (g, s) => [tree.scale(2, g), s] }
 * const tx = chain(withExtraArgs(double), reduceOnPlateau())
 * const [u, state] = tx.update([1], tx.init([0]), undefined, { value: 3 })
 * assert.deepStrictEqual([u, state[1].bestValue], [[2], 3])
 * @see chain, reduceOnPlateau
 * @category transforms
 * @since 0.1.0
 */
export function withExtraArgs<S>(tx: GradientTransformation<S>): GradientTransformation<S> {
  checkTransformation('withExtraArgs', 'tx', tx)
  return inheritNotes(
    {
      init: (params) => (checkParams('withExtraArgs.init', params), tx.init(params)),
      update: <P extends PyTree>(updates: P, state: S, params?: P, extra?: ExtraArgs) =>
        tx.update(updates, state, params, extra),
    },
    [tx],
  )
}
