import { DescentError } from '../core/errors'
import { learningRatesIn } from '../core/learningRate'
import type { GradientTransformation } from '../core/types'

/**
 * The learning rate an optimizer will use at its next update, read from its state.
 *
 * Works for every optimizer built on {@link scaleByLearningRate} (all the aliases that take a learning rate), with a
 * constant or a schedule (evaluated at the state's count), and through {@link chain}, {@link injectHyperparams}
 * (its `state.hyperparams.learningRate`, or the schedule at the next count), {@link masked}, {@link multiSteps},
 * {@link applyIfFinite} and {@link lookahead}. This answers optax #206 and #312 ("how do I get the current learning
 * rate?"), where optax needs `inject_hyperparams` first. A learning rate set by hand in an injected state is what it
 * returns. PyTorch users know this value as `optimizer.param_groups[0]['lr']`. For `polyakSgd` it is the `scaling`
 * (the Polyak step itself comes from the loss at each update); for `optimisticAdam` it is 1 (as optax's
 * `optimistic_adam`, its learning rate is the optimistic gradient's `alpha`, and its chain ends in
 * `scaleByLearningRate(1)`); `rprop` has none (its learning rate is the initial
 * per-element step size, kept in its state).
 *
 * ```text
 * currentLearningRate(tx, s) = α            for a constant α
 *                            = α(s.count)   for a schedule α (the count the next update uses)
 * ```
 *
 * @param optimizer - The transformation the state belongs to.
 * @param state - Its state (from `init` or `update`).
 * @returns The learning rate of the next update.
 * @throws DescentError when the optimizer has no learning rate (`rprop`, a bare `scaleByAdam`), or when it has
 * several that differ (per-group learning rates: read each group with its own transform and state).
 * @example
 * import { adam, chain, clipByGlobalNorm, cosineDecaySchedule, currentLearningRate, tensor } from 'descent-ts'
 * const tx = chain(clipByGlobalNorm(1), adam(cosineDecaySchedule({ initValue: 0.1, decaySteps: 10 })))
 * const params = { w: tensor([1, 2]) }
 * let state = tx.init(params)
 * assert.strictEqual(currentLearningRate(tx, state), 0.1)
 * for (let i = 0; i < 5; i++) state = tx.update({ w: tensor([1, 1]) }, state, params)[1]
 * assert.ok(Math.abs(currentLearningRate(tx, state) - 0.05) < 1e-12) // halfway: 0.1·½(1 + cos(π/2))
 * @see scaleByLearningRate, injectHyperparams
 * @category transforms
 * @since 0.1.0
 */
export function currentLearningRate<S>(optimizer: GradientTransformation<S>, state: S): number {
  const found = learningRatesIn(optimizer, state)
  if (found.length === 0) {
    throw new DescentError(
      'currentLearningRate: this optimizer has no learning rate (no scaleByLearningRate in its chain, e.g. rprop or a ' +
        'bare scaleByAdam). Build it with an alias that takes one (adam(lr)) or add scaleByLearningRate(lr).',
    )
  }
  const first = found[0] as number
  if (found.some((lr) => !Object.is(lr, first))) {
    throw new DescentError(
      `currentLearningRate: this optimizer has ${found.length} different learning rates (${found.join(', ')}), ` +
        'one per group. Read one group with its own transform and state: ' +
        'currentLearningRate(transforms[label], state.innerStates[label].innerState) for multiTransform.',
    )
  }
  return first
}
