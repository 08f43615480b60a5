import fc from 'fast-check'
import { quadratic, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm, normInf, sub } from '../_internal/linalg'
import { evaluation, magnitude, propagated } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import { spectrumSlack } from '../_internal/spectrum'
import type { Theorem } from '../theorem'
import { lastGradientStep } from './nesterovConvex'

/** Constants of {@link nesterovStronglyConvex}: L, μ, n gradient evaluations, R = ‖x₀ − x*‖, dimension d. */
export interface NesterovStronglyConvexConstants {
  readonly L: number
  readonly mu: number
  readonly n: number
  readonly R: number
  readonly d: number
}

/** A problem of {@link nesterovStronglyConvex}. */
export interface NesterovStronglyConvexProblem {
  readonly fn: SmoothProblem
  readonly n: number
}

export const nesterovStronglyConvex: Theorem<NesterovStronglyConvexConstants, NesterovStronglyConvexProblem> = {
  name: 'nesterovStronglyConvex',
  statement:
    'Nesterov’s method for μ-strongly convex L-smooth f (step 1/L, constant momentum (√L − √μ)/(√L + √μ); in descent sgd(1/L, { momentum, nesterov: true })): f(x_n) − f* ≤ (1 − √(μ/L))ⁿ·(f(x₀) − f* + (μ/2)·R²), with x_n = y_n − ∇f(y_n)/L read as in nesterovConvex.',
  assumptions: [
    'f μ-strongly convex and L-smooth (checked on quadratics with spectrum in [μ, L])',
    'params follow the y-sequence',
  ],
  bound: 'f(x_n) − f* ≤ (1 − √(μ/L))ⁿ·(f(x₀) − f* + (μ/2)·R²)',
  source: 'd’Aspremont, Scieur & Taylor, Acceleration Methods (2021), Cor. 4.15; Nesterov 2004, §2.2.',
  rounding:
    'E = n·(2n + 1)·√d·δ (momentum growth), f(x̃_n) − f(x_n) ≤ ‖∇f(x̃_n)‖·E plus the evaluation of f; the rate uses μ − Δ and L + Δ, Δ = 4(d + 1)·u·L (src/testing/_internal/rounding.ts).',
  problems: fc.record({ fn: quadratic({ stronglyConvex: true }), n: fc.integer({ min: 1, max: 80 }) }),
  constants: ({ fn, n }) => ({ L: fn.L, mu: fn.mu, n, R: norm(sub(fn.x0, fn.xStar!)), d: fn.d }),
  check: ({ fn, n }, tx) => {
    const ys = iterates(tx, fn.grad, fn.x0, n - 1)
    const xn = lastGradientStep(fn, ys, n)
    const R = norm(sub(fn.x0, fn.xStar!))
    const delta = spectrumSlack(fn.d, fn.L)
    const rate = 1 - Math.sqrt(Math.max(fn.mu - delta, 0) / (fn.L + delta))
    const E = propagated(n, fn.d, magnitude(ys, fn.xStar!), 2 * n + 1)
    const slack = norm(fn.grad(xn)) * E + evaluation(fn.d, fn.d ** 1.5 * fn.L * normInf(sub(xn, fn.xStar!)) ** 2)
    const bound = rate ** n * (fn.f(fn.x0) - fn.fStar + (fn.mu / 2) * R * R)
    return upper('f(x_n) − f*', n, fn.f(xn) - fn.fStar, bound, slack)
  },
}
