import { DescentError } from '../core/errors'

/**
 * A checkpoint that cannot be written or read back: text that is not JSON (truncated?), another format tag, a newer
 * format version, or a tree that does not fit the template (structure, keys, leaf kind, dtype, shape or byte length).
 * The message names the first path that differs, as `optState[0].mu.w: shape [3,4] in the checkpoint vs [4,3] in the
 * template`. It is a {@link DescentError}.
 * @example
 * import { CheckpointError, DescentError, initTrainState, loadCheckpoint, sgd, tensor } from 'descent-ts'
 * const template = initTrainState({ w: tensor([1, 2]) }, sgd(0.1))
 * let caught: unknown
 * try { loadCheckpoint('{"format":"descent-checkp', template) } catch (e) { caught = e }
 * assert.ok(caught instanceof CheckpointError && caught instanceof DescentError)
 * assert.match((caught as Error).message, /not valid JSON/)
 * @category train
 * @since 0.2.0
 */
export class CheckpointError extends DescentError {}
