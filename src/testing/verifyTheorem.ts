import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import type { GradientTransformation } from '../core/types'
import type { Theorem, TheoremCheck } from './theorem'

/**
 * Options of {@link verifyTheorem}, in fast-check's style.
 * @category testing
 * @since 0.2.0
 */
export interface VerifyTheoremOptions {
  /** Number of random problems. @defaultValue 200 */
  readonly numRuns?: number
  /** fast-check seed, for a reproducible run. @defaultValue fast-check's (random unless configured globally) */
  readonly seed?: number
}

/**
 * A problem on which the optimizer broke the theorem: the (shrunk) problem, the constants the optimizer was built
 * from, and what was measured; `message` says all of it in words.
 * @category testing
 * @since 0.2.0
 */
export interface TheoremViolation {
  readonly _tag: 'TheoremViolation'
  readonly theorem: string
  /** The counterexample problem, as fast-check prints it. */
  readonly problem: string
  /** The constants given to the optimizer factory. */
  readonly constants: unknown
  /** What was measured on the counterexample; absent when the optimizer threw. */
  readonly check?: TheoremCheck
  /** The error the optimizer (or its factory) threw, if it threw. */
  readonly error?: string
  readonly seed: number
  readonly numRuns: number
  /** A readable report: theorem, problem, step, bound, observed. */
  readonly message: string
}

/**
 * What a passing run saw: how many problems, and the closest call (observed / bound, largest for upper bounds).
 * @category testing
 * @since 0.2.0
 */
export interface TheoremReport {
  readonly _tag: 'TheoremReport'
  readonly theorem: string
  readonly numRuns: number
  readonly seed: number
  /** The largest observed/(bound + slack) over the runs (upper bounds; the inverse for lower bounds); ≤ 1. */
  readonly tightest: number
}

const describeProblem = (p: unknown): string => {
  const s = fc.stringify(p)
  return s.length > 2000 ? `${s.slice(0, 2000)}…` : s
}

// Trailing zeros of the mantissa only: stripping them from an exponent would turn 4.5e-10 into 4.5e-1.
const fmt = (x: number) => {
  if (!Number.isFinite(x)) return String(x)
  const [mantissa, exponent] = x.toPrecision(17).split('e')
  const m = mantissa!.includes('.') ? mantissa!.replace(/\.?0+$/, '') : mantissa!
  return exponent === undefined ? m : `${m}e${exponent}`
}

/**
 * Checks a {@link Theorem} against an optimizer on `numRuns` random problems of the theorem's family.
 *
 * `optimizerFor` receives the problem's constants (the theorem's `K`: `{ L, mu, n, R, … }`) and returns any
 * `GradientTransformation`: the optimizer the theorem is about, or your own chain. Each problem is run in float64
 * (params: one float64 tensor), and the quantity the theorem bounds is compared with the bound plus a rounding
 * slack derived in the theorem's `rounding` text. On failure fast-check shrinks the problem and the result is a
 * `Left` with the counterexample.
 * ```text
 * Right(report)  ⇔  ∀ sampled problems p:  observed(p, optimizerFor(K(p)))  ≤  bound(p) + slack(p)
 * ```
 * @returns `Right(TheoremReport)` when every run respects the bound, `Left(TheoremViolation)` otherwise.
 * @example
 * import { sgd } from 'descent-ts'
 * import { theorems, verifyTheorem } from 'descent-ts/testing'
 *
 * const ok = verifyTheorem(theorems.gdSmoothConvexTight, ({ L, h }) => sgd(h / L), { numRuns: 20, seed: 1 })
 * assert.equal(ok._tag, 'Right')
 * const bad = verifyTheorem(theorems.gdSmoothConvexTight, ({ L }) => sgd(0.5 / L), { numRuns: 50, seed: 1 })
 * assert.equal(bad._tag, 'Left')
 * @see assertTheorem, theorems
 * @category testing
 * @since 0.2.0
 */
export function verifyTheorem<K, P>(
  theorem: Theorem<K, P>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizerFor: (constants: K) => GradientTransformation<any>,
  options: VerifyTheoremOptions = {},
): E.Either<TheoremViolation, TheoremReport> {
  const numRuns = options.numRuns ?? 200
  const run = (p: P): TheoremCheck => theorem.check(p, optimizerFor(theorem.constants(p)))
  let tightest = 0
  const result = fc.check(
    fc.property(theorem.problems, (p) => {
      const c = run(p)
      const limit = c.direction === 'upper' ? c.bound + c.slack : c.bound - c.slack
      const ratio = c.direction === 'upper' ? c.observed / limit : limit / c.observed
      if (c.holds && Number.isFinite(ratio)) tightest = Math.max(tightest, ratio)
      return c.holds
    }),
    { numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  )
  if (!result.failed)
    return E.right({ _tag: 'TheoremReport', theorem: theorem.name, numRuns, seed: result.seed, tightest })
  const p = result.counterexample![0]
  const problem = describeProblem(p)
  const constants = theorem.constants(p)
  let check: TheoremCheck | undefined
  let error: string | undefined
  try {
    check = run(p)
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
  }
  const head = `${theorem.name} fails after ${result.numRuns} run(s) (seed ${result.seed}, path "${result.counterexamplePath}")`
  const body =
    check === undefined
      ? `the optimizer threw: ${error ?? String(result.errorInstance)}`
      : [
          `at step ${check.step}: ${check.quantity} = ${fmt(check.observed)}`,
          `${check.direction === 'upper' ? 'must be ≤' : 'must be ≥'} bound ${fmt(check.bound)} ${check.direction === 'upper' ? '+' : '−'} rounding slack ${fmt(check.slack)}`,
        ].join('\n')
  const message = [
    head,
    `theorem: ${theorem.statement}`,
    `bound: ${theorem.bound}`,
    `constants given to the optimizer: ${fc.stringify(constants)}`,
    `problem: ${problem}`,
    body,
  ].join('\n')
  return E.left({
    _tag: 'TheoremViolation',
    theorem: theorem.name,
    problem,
    constants,
    ...(check === undefined ? {} : { check }),
    ...(error === undefined ? {} : { error }),
    seed: result.seed,
    numRuns: result.numRuns,
    message,
  })
}
