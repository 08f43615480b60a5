import { injectHyperparams } from './injectHyperparams'

/**
 * optax.inject_stateful_hyperparams, which optax has deprecated in favour of `inject_hyperparams` and now forwards to
 * it: the same function here. Numeric hyperparameters and schedules of the step count are injected into
 * `state.hyperparams`; optax's `StatefulSchedule` objects (schedules with their own `init`/`update` state) are not
 * supported — pass a schedule `(count) => value`.
 * ```text
 * injectStatefulHyperparams(factory) = injectHyperparams(factory)
 * ```
 * @example
 * import { injectHyperparams, injectStatefulHyperparams } from 'descent-ts'
 * assert.strictEqual(injectStatefulHyperparams, injectHyperparams)
 * @see injectHyperparams
 * @category transforms
 * @since 0.2.0
 */
export const injectStatefulHyperparams = injectHyperparams
