import type { GradientTransformation } from '../core/types'
import type { Theorem } from './theorem'
import { type TheoremReport, type VerifyTheoremOptions, verifyTheorem } from './verifyTheorem'

/**
 * {@link verifyTheorem} for test runners (vitest, jest, node:test): returns the report, or throws an `Error`
 * whose message is the readable counterexample (theorem, problem, step, bound, observed value).
 * @returns The {@link TheoremReport} of the passing run.
 * @example
 * import { sgd } from 'descent-ts'
 * import { assertTheorem, theorems } from 'descent-ts/testing'
 *
 * const t = theorems.gdStronglyConvexContraction
 * assertTheorem(t, ({ gamma }) => sgd(gamma), { numRuns: 20, seed: 2 })
 * assert.throws(() => assertTheorem(t, ({ gamma }) => sgd(-gamma), { numRuns: 50, seed: 2 }), /must be ≤/)
 * @see verifyTheorem
 * @category testing
 * @since 0.2.0
 */
export function assertTheorem<K, P>(
  theorem: Theorem<K, P>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizerFor: (constants: K) => GradientTransformation<any>,
  options: VerifyTheoremOptions = {},
): TheoremReport {
  const result = verifyTheorem(theorem, optimizerFor, options)
  if (result._tag === 'Left') throw new Error(result.left.message)
  return result.right
}
