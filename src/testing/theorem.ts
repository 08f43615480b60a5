import type fc from 'fast-check'
import type { GradientTransformation } from '../core/types'

/**
 * What one run of a theorem measured: the quantity the theorem bounds, at which step, the bound (rounding slack
 * included) and whether the observed value respects it.
 * @category testing
 * @since 0.2.0
 */
export interface TheoremCheck {
  /** Whether the observed value is on the right side of the bound. */
  readonly holds: boolean
  /** The quantity bounded, in words, e.g. `'f(x_N) − f*'`. */
  readonly quantity: string
  /** The iteration (number of updates) at which it was measured. */
  readonly step: number
  /** The theorem's bound at this problem, before the rounding slack. */
  readonly bound: number
  /** The rounding slack added to (or, for a lower bound, subtracted from) the bound; see the theorem's `rounding`. */
  readonly slack: number
  /** The value the optimizer reached. */
  readonly observed: number
  /** `'upper'` when the observed value must be ≤ bound + slack, `'lower'` when it must be ≥ bound − slack. */
  readonly direction: 'upper' | 'lower'
}

/**
 * A convergence theorem in a testable form: its statement with exact constants, its assumptions and source, a
 * fast-check arbitrary of problems the theorem covers, and a `check` that runs an optimizer on one problem and
 * compares what it reached with the bound.
 *
 * `K` is the record of constants an optimizer is built from (`{ L, mu, n, R, … }`: what the theorem lets an
 * algorithm know), `P` the generated problem. Values of this type are in {@link theorems}; run them with
 * {@link verifyTheorem} or {@link assertTheorem}.
 * @example
 * import { theorems } from 'descent-ts/testing'
 *
 * const t = theorems.gdSmoothConvexTight
 * assert.match(t.bound, /4Nh \+ 2/)
 * assert.ok(t.source.includes('Drori'))
 * @category testing
 * @since 0.2.0
 */
export interface Theorem<K, P> {
  /** The theorem's key in {@link theorems}. */
  readonly name: string
  /** The statement, with its exact constants, in Unicode math. */
  readonly statement: string
  /** The hypotheses on the function and on the algorithm. */
  readonly assumptions: readonly string[]
  /** The bound alone, e.g. `'f(x_N) − f* ≤ L·R²/(4Nh + 2)'`. */
  readonly bound: string
  /** Where the theorem (and its constants) come from. */
  readonly source: string
  /** How the rounding slack of the check is derived. */
  readonly rounding: string
  /** The problems the theorem is checked on: a fast-check arbitrary. */
  readonly problems: fc.Arbitrary<P>
  /** The constants of a problem that the optimizer may be built from. */
  readonly constants: (problem: P) => K
  /** Runs the optimizer `tx` (built for this problem) on `problem` and compares with the bound. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly check: (problem: P, tx: GradientTransformation<any>) => TheoremCheck
}

/**
 * Any theorem, whatever its constants and problems (for tables of theorems).
 * @category testing
 * @since 0.2.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTheorem = Theorem<any, any>

/**
 * The record of constants a theorem gives the optimizer factory of {@link verifyTheorem} (`{ L, mu, n, R, … }`).
 * @category testing
 * @since 0.2.0
 */
export type ConstantsOf<T> = T extends Theorem<infer K, unknown> ? K : never
