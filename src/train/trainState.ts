import type { GradientTransformation, PyTree } from '../core/types'

/**
 * What a training loop threads from step to step (flax's `TrainState`): the params, the optimizer's state and the
 * number of steps taken (`S` is the optimizer's state type, `unknown` when not tracked). A plain, serialisable record; {@link saveCheckpoint} writes it and {@link loadCheckpoint}
 * reads it back bit for bit.
 * @category train
 * @since 0.2.0
 */
export interface TrainState<P extends PyTree = PyTree, S = unknown> {
  readonly params: P
  readonly optState: S
  readonly step: number
}

/**
 * The first {@link TrainState} of a run: `{ params, optState: optimizer.init(params), step: 0 }`.
 * @example
 * import { adam, initTrainState, tensor } from 'descent'
 * const state = initTrainState({ w: tensor([1, 2]) }, adam(1e-3))
 * assert.strictEqual(state.step, 0)
 * assert.strictEqual(state.optState[0].count, 0)
 * @category train
 * @since 0.2.0
 */
export function initTrainState<P extends PyTree, S>(params: P, optimizer: GradientTransformation<S>): TrainState<P, S> {
  return { params, optState: optimizer.init(params), step: 0 }
}
