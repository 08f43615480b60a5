import { DescentError } from '../../core/errors'
import * as tree from '../../core/tree'
import type { PyTree } from '../../core/types'
import type { ScheduleFreeState } from './scheduleFree'

const isScheduleFreeState = (s: unknown): s is ScheduleFreeState =>
  typeof s === 'object' && s !== null && !Array.isArray(s) && 'z' in s && typeof (s as { b1?: unknown }).b1 === 'number'

/** The ScheduleFreeState in `state`: the state itself, or the first one found in a chain's tuple of states. */
function findState(state: unknown): ScheduleFreeState | undefined {
  if (isScheduleFreeState(state)) return state
  if (Array.isArray(state)) for (const s of state) if (findState(s) !== undefined) return findState(s)
  return undefined
}

/**
 * The params to evaluate a Schedule-Free model at: the average x, recovered from the params y and the state's z.
 * Accepts the state of {@link scheduleFree} or of an alias built on it ({@link scheduleFreeSgd}, {@link scheduleFreeAdamw},
 * whose state is a chain's tuple holding it).
 *
 * ```text
 * x = (y − (1−β₁)·z)/β₁
 * ```
 *
 * @param state - The optimizer state.
 * @param params - The params y the optimizer has been moving.
 * @returns The evaluation params x, with the structure of `params`.
 * @throws DescentError when `state` holds no Schedule-Free state.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const opt = contrib.scheduleFreeSgd(0.5, { b1: 0.5 })
 * const y = tensor([2])
 * const state = opt.init(y)
 * // Before any step z = y, so x = y.
 * assert.deepStrictEqual(contrib.scheduleFreeEvalParams(state, y).toArray(), [2])
 * @see scheduleFree
 * @category contrib
 * @since 0.1.0
 */
export function scheduleFreeEvalParams<P extends PyTree>(state: unknown, params: P): P {
  const s = findState(state)
  if (s === undefined) {
    throw new DescentError(
      'scheduleFreeEvalParams needs the state of contrib.scheduleFree (or of an alias built on it, such as ' +
        'contrib.scheduleFreeSgd); this state has no { b1, z } record.',
    )
  }
  const b1 = s.b1
  return tree.mapElementwiseNamed(['params', 'state.z'], (y, z) => (y - (1 - b1) * z) / b1, params, s.z) as P
}
