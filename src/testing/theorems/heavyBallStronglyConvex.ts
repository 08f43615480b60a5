import fc from 'fast-check'
import { upper } from '../_internal/checks'
import { evaluation, magnitude, propagated } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link heavyBallStronglyConvex}: L, μ, the step factor h (α = h/L) and n steps. */
export interface HeavyBallStronglyConvexConstants {
  readonly L: number
  readonly mu: number
  readonly h: number
  readonly n: number
}

/** Lessard, Recht & Packard's function, scaled by s and shifted to x*, with a start and a number of steps. */
export interface LessardProblem {
  readonly s: number
  readonly xStar: number
  readonly x0: number
  readonly h: number
  readonly n: number
}

/** φ(y) with φ′(y) = 25y (y < 1), y + 24 (1 ≤ y < 2), 25y − 24 (y ≥ 2): 25-smooth, 1-strongly convex, φ(0) = 0. */
const phi = (y: number) => (y < 1 ? 12.5 * y * y : y < 2 ? 0.5 * y * y + 24 * y - 12 : 12.5 * y * y - 24 * y + 36)
const dphi = (y: number) => (y < 1 ? 25 * y : y < 2 ? y + 24 : 25 * y - 24)

const labelled = (p: LessardProblem): LessardProblem =>
  Object.defineProperty(p, fc.toStringMethod, {
    value: () => `lessard(scale=${p.s}, x*=${p.xStar}, x₀ − x*=${p.x0 - p.xStar}, h=${p.h}, n=${p.n})`,
    enumerable: false,
  })

export const heavyBallStronglyConvex: Theorem<HeavyBallStronglyConvexConstants, LessardProblem> = {
  name: 'heavyBallStronglyConvex',
  statement:
    'The heavy-ball method x_{t+1} = x_t − α∇f(x_t) + β(x_t − x_{t−1}), x₋₁ = x₀, with α = h/L, h ∈ (0, 1], β = √((1 − αμ)(1 − αL)), on an L-smooth μ-strongly convex f: f(x_n) − f* ≤ (1 − αμ)ⁿ(f(x₀) − f*). It is checked on Lessard, Recht & Packard’s function, where Polyak’s quadratic tuning α = 4/(√L + √μ)², β = ((√L − √μ)/(√L + √μ))² does not converge: from x₀ − x* ∈ [3.07, 3.46] it settles on a 3-cycle.',
  assumptions: [
    'f = s·φ(x − x*) with φ′(y) = 25y (y < 1), y + 24 (1 ≤ y < 2), 25y − 24 (y ≥ 2): L = 25s, μ = s',
    'α = h/L with h ∈ (0, 1], β = √((1 − αμ)(1 − αL)); sgd(α, { momentum: β }) is this method',
  ],
  bound: 'f(x_n) − f* ≤ (1 − αμ)ⁿ·(f(x₀) − f*)',
  source:
    'Ghadimi, Feyzmahdavian & Johansson, ECC 2015, Thm 4 (PEPit heavy_ball_momentum.py); the counterexample: Lessard, Recht & Packard, SIAM J. Optim. 26(1) (2016), §4.6.',
  rounding:
    'On each piece f is a quadratic with μ ≤ f″ ≤ L, where a momentum method multiplies an error by matrices whose powers have norm ≤ 2k + 1; the slack takes that growth over the whole run, ‖x̃_n − x_n‖ ≤ E = n(2n + 1)·δ, then f(x̃_n) − f(x_n) ≤ |f′(x̃_n)|·E + L·E²/2, plus the evaluation of f(x_n) and of the bound’s f(x₀) (rounding.ts). Crossing a kink is not covered by this argument; the slack is far below the bound here (the bound stays ≥ 1e-3·(f(x₀) − f*)).',
  problems: fc
    .record({
      s: fc.double({ min: -2, max: 2, noNaN: true }).map((e) => 10 ** e),
      xStar: fc.double({ min: -10, max: 10, noNaN: true }),
      offset: fc.oneof(
        { arbitrary: fc.double({ min: 3.07, max: 3.46, noNaN: true }), weight: 3 },
        { arbitrary: fc.double({ min: -10, max: 10, noNaN: true }), weight: 1 },
      ),
      h: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true })),
      n: fc.integer({ min: 40, max: 120 }),
    })
    .map(({ s, xStar, offset, h, n }) => labelled({ s, xStar, x0: xStar + offset, h, n })),
  constants: ({ s, h, n }) => ({ L: 25 * s, mu: s, h, n }),
  check: ({ s, xStar, x0, h, n }, tx) => {
    const f = (x: number) => s * phi(x - xStar)
    const xs = iterates(tx, (x) => Float64Array.of(s * dphi(x[0]! - xStar)), Float64Array.of(x0), n)
    const xn = xs[n]![0]!
    const L = 25 * s
    const E = propagated(n, 1, magnitude(xs) + Math.abs(xStar), 2 * n + 1)
    const termsAbs = (x: number) => s * (12.5 * (x - xStar) ** 2 + 24 * Math.abs(x - xStar) + 36)
    const rate = (1 - h / 25) ** n
    const slack =
      Math.abs(s * dphi(xn - xStar)) * E +
      (L * E * E) / 2 +
      evaluation(3, termsAbs(xn)) +
      rate * evaluation(3, termsAbs(x0))
    return upper('f(x_n) − f*', n, f(xn), rate * f(x0), slack)
  },
}
