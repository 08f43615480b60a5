import fc from 'fast-check'
import { logisticRegression, quadratic, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm2, sub } from '../_internal/linalg'
import { magnitude, propagated } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import { spectrumSlack } from '../_internal/spectrum'
import type { Theorem } from '../theorem'

/** Constants of {@link gdStronglyConvexContraction}: L, μ, the step γ, n steps, dimension d. */
export interface GdContractionConstants {
  readonly L: number
  readonly mu: number
  readonly gamma: number
  readonly n: number
  readonly d: number
}

/** A problem of {@link gdStronglyConvexContraction}: f, a second start y₀, the step γ and n. */
export interface GdContractionProblem {
  readonly fn: SmoothProblem
  readonly y0: Float64Array
  readonly gamma: number
  readonly n: number
}

const gammaFor = (fn: SmoothProblem) =>
  fc
    .oneof(fc.constant(1), fc.constant(2 / (1 + fn.mu / fn.L)), fc.double({ min: 0.01, max: 1.99, noNaN: true }))
    .map((c) => c / fn.L)

export const gdStronglyConvexContraction: Theorem<GdContractionConstants, GdContractionProblem> = {
  name: 'gdStronglyConvexContraction',
  statement:
    'On a μ-strongly convex L-smooth f, the gradient step x ↦ x − γ∇f(x) with γ ∈ (0, 2/L) is a contraction: for two runs from x₀ and y₀, ‖x_n − y_n‖² ≤ max{(1 − γL)², (1 − γμ)²}ⁿ·‖x₀ − y₀‖² (γ = 1/L: (1 − μ/L)²ⁿ; γ = 2/(L + μ): ((κ − 1)/(κ + 1))²ⁿ). Tight on quadratics.',
  assumptions: ['f μ-strongly convex and L-smooth', 'step γ ∈ (0, 2/L)', 'two runs from x₀ and y₀'],
  bound: '‖x_n − y_n‖² ≤ max{(1 − γL)², (1 − γμ)²}ⁿ·‖x₀ − y₀‖²',
  source:
    'PEPit tutorials/gradient_descent_contraction.py; Nesterov 2004, Thm 2.1.15; Ryu & Boyd, Primer on monotone operators (2016), §5.',
  rounding:
    'Each run is off by E = n·√d·δ (nonexpansive steps, src/testing/_internal/rounding.ts), so ‖x̃_n − ỹ_n‖² ≤ (ρⁿD + 2E)² with D = ‖x₀ − y₀‖; ρ uses L + Δ and μ − Δ, Δ = 4(d + 1)·u·L (the computed spectrum).',
  problems: fc.oneof(quadratic({ stronglyConvex: true }), logisticRegression()).chain((fn) =>
    fc.record({
      fn: fc.constant(fn),
      y0: fc
        .array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: fn.d, maxLength: fn.d })
        .map((a) => Float64Array.from(a)),
      gamma: gammaFor(fn),
      n: fc.integer({ min: 1, max: 100 }),
    }),
  ),
  constants: ({ fn, gamma, n }) => ({ L: fn.L, mu: fn.mu, gamma, n, d: fn.d }),
  check: ({ fn, y0, gamma, n }, tx) => {
    const xs = iterates(tx, fn.grad, fn.x0, n)
    const ys = iterates(tx, fn.grad, y0, n)
    const D = Math.sqrt(norm2(sub(fn.x0, y0)))
    const delta = spectrumSlack(fn.d, fn.L)
    const rho = Math.min(1, Math.max(Math.abs(1 - gamma * (fn.L + delta)), Math.abs(1 - gamma * (fn.mu - delta))))
    const E = propagated(n, fn.d, magnitude([...xs, ...ys]))
    const bound = rho ** (2 * n) * D * D
    const slack = 4 * rho ** n * D * E + 4 * E * E
    return upper('‖x_n − y_n‖²', n, norm2(sub(xs[n]!, ys[n]!)), bound, slack)
  },
}
