import fc from 'fast-check'
import { quadratic, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm, normInf, sub } from '../_internal/linalg'
import { evaluation, magnitude, propagated } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import { spectrumSlack } from '../_internal/spectrum'
import type { Theorem } from '../theorem'

/** Constants of {@link gdStronglyConvexRate}: L, μ, n steps, R = ‖x₀ − x*‖, dimension d. */
export interface GdRateConstants {
  readonly L: number
  readonly mu: number
  readonly n: number
  readonly R: number
  readonly d: number
}

/** A problem of {@link gdStronglyConvexRate}. */
export interface GdRateProblem {
  readonly fn: SmoothProblem
  readonly n: number
}

export const gdStronglyConvexRate: Theorem<GdRateConstants, GdRateProblem> = {
  name: 'gdStronglyConvexRate',
  statement:
    'Gradient descent with γ = 2/(L + μ) on a μ-strongly convex L-smooth f: f(x_n) − f* ≤ (L/2)·((κ − 1)/(κ + 1))²ⁿ·R², κ = L/μ, R = ‖x₀ − x*‖.',
  assumptions: [
    'f μ-strongly convex and L-smooth (checked on quadratics with spectrum in [μ, L])',
    'step γ = 2/(L + μ)',
  ],
  bound: 'f(x_n) − f* ≤ (L/2)·((κ − 1)/(κ + 1))²ⁿ·R²',
  source: 'Nesterov, Introductory Lectures on Convex Optimization (2004), Thm 2.1.15.',
  rounding:
    'E = n·√d·δ (nonexpansive steps); f(x̃_n) − f(x_n) ≤ ‖∇f(x̃_n)‖·E plus the evaluation of f; the rate uses L + Δ and μ − Δ, Δ = 4(d + 1)·u·L (src/testing/_internal/rounding.ts).',
  problems: fc.record({ fn: quadratic({ stronglyConvex: true }), n: fc.integer({ min: 1, max: 100 }) }),
  constants: ({ fn, n }) => ({ L: fn.L, mu: fn.mu, n, R: norm(sub(fn.x0, fn.xStar!)), d: fn.d }),
  check: ({ fn, n }, tx) => {
    const xs = iterates(tx, fn.grad, fn.x0, n)
    const xn = xs[n]!
    const R = norm(sub(fn.x0, fn.xStar!))
    const delta = spectrumSlack(fn.d, fn.L)
    const kappa = (fn.L + delta) / Math.max(fn.mu - delta, Number.MIN_VALUE)
    const q = (kappa - 1) / (kappa + 1)
    const E = propagated(n, fn.d, magnitude(xs, fn.xStar!))
    const slack = norm(fn.grad(xn)) * E + evaluation(fn.d, fn.d ** 1.5 * fn.L * normInf(sub(xn, fn.xStar!)) ** 2)
    return upper('f(x_n) − f*', n, fn.f(xn) - fn.fStar, (fn.L / 2) * q ** (2 * n) * R * R, slack)
  },
}
