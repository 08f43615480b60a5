import fc from 'fast-check'
import { huberWorstCase, quadratic, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm, normInf, sub } from '../_internal/linalg'
import { evaluation, magnitude, propagated } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link nesterovConvex}: L, n gradient evaluations, R = ‖x₀ − x*‖, dimension d. */
export interface NesterovConvexConstants {
  readonly L: number
  readonly n: number
  readonly R: number
  readonly d: number
}

/** A problem of {@link nesterovConvex}. */
export interface NesterovConvexProblem {
  readonly fn: SmoothProblem
  readonly n: number
}

/**
 * Reads x_n off an optimizer in the y-form of accelerated methods: n − 1 updates give the params y_n, and
 * x_n = y_n − ∇f(y_n)/L is the last gradient step (n gradient evaluations in all).
 */
export const lastGradientStep = (fn: SmoothProblem, ys: readonly Float64Array[], n: number): Float64Array => {
  const y = ys[n - 1]!
  const g = fn.grad(y)
  return y.map((yi, i) => yi - g[i]! / fn.L)
}

export const nesterovConvex: Theorem<NesterovConvexConstants, NesterovConvexProblem> = {
  name: 'nesterovConvex',
  statement:
    'FISTA / Nesterov’s accelerated gradient (step 1/L, momentum (λ_k − 1)/λ_{k+1}) on a convex L-smooth f: f(x_n) − f* ≤ L·R²/(2λ_n²) ≤ 2L·R²/(n + 1)², where the optimizer’s params are the points y_k where gradients are taken, y₁ = x₀, and x_n = y_n − ∇f(y_n)/L.',
  assumptions: [
    'f convex and L-smooth, with a minimiser x*',
    'params follow the y-sequence of an accelerated method',
    'n ≥ 1 gradient evaluations',
  ],
  bound: 'f(x_n) − f* ≤ 2L·R²/(n + 1)²',
  source: 'Beck & Teboulle, SIAM J. Imaging Sci. 2 (2009), Thm 4.4; PEPit accelerated_gradient_convex.py.',
  rounding:
    'A momentum method multiplies an earlier rounding error by at most 2k + 1 (src/testing/_internal/rounding.ts): E = n·(2n + 1)·√d·δ; f(x̃_n) − f(x_n) ≤ ‖∇f(x̃_n)‖·E plus the evaluation of f.',
  problems: fc.oneof(
    fc.record({ fn: huberWorstCase(), n: fc.integer({ min: 1, max: 80 }) }),
    fc.record({ fn: quadratic(), n: fc.integer({ min: 1, max: 80 }) }),
  ),
  constants: ({ fn, n }) => ({ L: fn.L, n, R: norm(sub(fn.x0, fn.xStar!)), d: fn.d }),
  check: ({ fn, n }, tx) => {
    const ys = iterates(tx, fn.grad, fn.x0, n - 1)
    const xn = lastGradientStep(fn, ys, n)
    const R = norm(sub(fn.x0, fn.xStar!))
    const E = propagated(n, fn.d, magnitude(ys, fn.xStar!), 2 * n + 1)
    const slack = norm(fn.grad(xn)) * E + evaluation(fn.d, fn.d ** 1.5 * fn.L * normInf(sub(xn, fn.xStar!)) ** 2)
    return upper('f(x_n) − f*', n, fn.f(xn) - fn.fStar, (2 * fn.L * R * R) / (n + 1) ** 2, slack)
  },
}
