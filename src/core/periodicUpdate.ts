import type { PyTree } from './types'

/**
 * Periodically takes the new tree (optax.periodic_update): at every `updatePeriod`-th step the new tensors, otherwise
 * the old ones — target networks in RL (DQN's hard update).
 * ```text
 * periodicUpdate(new, old, t, k) = t mod k = 0 ? new : old
 * ```
 * @returns `newTensors` or `oldTensors` (the same object).
 * @example
 * import { periodicUpdate } from 'descent-ts'
 * assert.deepStrictEqual(periodicUpdate([1], [0], 10, 5), [1])
 * assert.deepStrictEqual(periodicUpdate([1], [0], 11, 5), [0])
 * @see incrementalUpdate
 * @category core
 * @since 0.2.0
 */
export function periodicUpdate<T extends PyTree>(newTensors: T, oldTensors: T, steps: number, updatePeriod: number): T {
  if (!(Number.isInteger(updatePeriod) && updatePeriod >= 1)) {
    throw new RangeError(`periodicUpdate updatePeriod must be an integer ≥ 1; got ${updatePeriod}`)
  }
  return steps % updatePeriod === 0 ? newTensors : oldTensors
}
