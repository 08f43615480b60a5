/**
 * The shipped theorems of descent/testing, run against the optimizers they are about (≥ 200 problems each), and
 * against deliberately broken optimizers, which must fail with a readable counterexample.
 */
import { describe, expect, it } from 'vitest'
import { type GradientTransformation, sgd } from '../../src/index'
import { type AnyTheorem, assertTheorem, fista, theorems, verifyTheorem } from '../../src/testing/index'

const RUNS = Number(process.env.LAW_RUNS ?? 200)
const SEED = 20261121

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (k: any) => GradientTransformation<any>
const sq = Math.sqrt
const q = (k: { L: number; mu: number }) => (sq(k.L) - sq(k.mu)) / (sq(k.L) + sq(k.mu))

/** Each theorem, the optimizer it is about, and a slightly wrong one that must fail. */
const TABLE: readonly (readonly [AnyTheorem, string, Factory, string, Factory])[] = [
  [
    theorems.gdSmoothConvexTight,
    'sgd(h/L)',
    (k) => sgd(k.h / k.L),
    'sgd(0.5/L) against the h-bound',
    (k) => sgd(0.5 / k.L),
  ],
  [theorems.gdStronglyConvexContraction, 'sgd(γ)', (k) => sgd(k.gamma), 'sgd(−γ) (flipped sign)', (k) => sgd(-k.gamma)],
  [
    theorems.gdStronglyConvexRate,
    'sgd(2/(L+μ))',
    (k) => sgd(2 / (k.L + k.mu)),
    'sgd(−2/(L+μ)) (flipped sign)',
    (k) => sgd(-2 / (k.L + k.mu)),
  ],
  [
    theorems.nesterovConvex,
    'fista(1/L)',
    (k) => fista(1 / k.L),
    'constant momentum 0.5',
    (k) => sgd(1 / k.L, { momentum: 0.5, nesterov: true }),
  ],
  [
    theorems.nesterovStronglyConvex,
    'sgd(1/L, nesterov momentum (√L−√μ)/(√L+√μ))',
    (k) => sgd(1 / k.L, { momentum: q(k), nesterov: true }),
    'heavy-ball momentum instead of nesterov, β = 0.99',
    (k) => sgd(1 / k.L, { momentum: 0.99 }),
  ],
  [
    theorems.heavyBallQuadratic,
    'sgd(4/(√L+√μ)², { momentum: q² })',
    (k) => sgd(4 / (sq(k.L) + sq(k.mu)) ** 2, { momentum: q(k) ** 2 }),
    'momentum q instead of q²',
    (k) => sgd(4 / (sq(k.L) + sq(k.mu)) ** 2, { momentum: q(k) }),
  ],
  [theorems.gdNonconvex, 'sgd(h/L)', (k) => sgd(k.h / k.L), 'sgd(−h/L) (flipped sign)', (k) => sgd(-k.h / k.L)],
]

describe.each(TABLE.map((r) => [r[0].name, ...r] as const))('%s', (_, theorem, good, optimizer, bad, broken) => {
  it(`holds for ${good} (${RUNS} problems)`, () => {
    const report = assertTheorem(theorem, optimizer, { numRuns: RUNS, seed: SEED })
    expect(report.tightest).toBeLessThanOrEqual(1)
  })
  it(`fails for ${bad}, with a readable counterexample`, () => {
    const result = verifyTheorem(theorem, broken, { numRuns: RUNS, seed: SEED })
    expect(result._tag).toBe('Left')
    if (result._tag === 'Left') {
      expect(result.left.message).toContain(theorem.name)
      expect(result.left.message).toMatch(/at step \d+: .* = /)
      expect(result.left.message).toMatch(/must be [≤≥] bound/)
      expect(result.left.message).toContain('problem: ')
      expect(result.left.check?.holds).toBe(false)
    }
  })
})
