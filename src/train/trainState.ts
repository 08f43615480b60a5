import { fromStorage, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'

/** @internal The same tree with every tensor leaf over a fresh copy of its storage. */
export const copyTensors = <T>(t: T): T =>
  tree.map((x) => (isTensor(x) ? fromStorage(x.data.slice(), x.shape) : x), t as PyTree) as T

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
 * The first {@link TrainState} of a run: `{ params, optState: optimizer.init(params), step: 0 }`, over a copy of the
 * params' tensors: the state owns its buffers, so a donating step ({@link applyGradients} with `donate`) never writes
 * into an array the caller holds.
 * @example
 * import { adam, initTrainState, tensor } from 'descent-ts'
 * const state = initTrainState({ w: tensor([1, 2]) }, adam(1e-3))
 * assert.strictEqual(state.step, 0)
 * assert.strictEqual(state.optState[0].count, 0)
 * @category train
 * @since 0.2.0
 */
export function initTrainState<P extends PyTree, S>(params: P, optimizer: GradientTransformation<S>): TrainState<P, S> {
  const own = copyTensors(params)
  return { params: own, optState: optimizer.init(own), step: 0 }
}
