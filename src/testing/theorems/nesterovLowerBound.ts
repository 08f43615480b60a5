import { chainFunction, type SmoothProblem } from '../arbitraries'
import { lower } from '../_internal/checks'
import { norm, sub } from '../_internal/linalg'
import { evaluation } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link nesterovLowerBound}: L, the step k at which the bound is checked, dimension d, R = ‖x₀ − x*‖. */
export interface NesterovLowerBoundConstants {
  readonly L: number
  readonly k: number
  readonly d: number
  readonly R: number
}

export const nesterovLowerBound: Theorem<NesterovLowerBoundConstants, SmoothProblem & { readonly k: number }> = {
  name: 'nesterovLowerBound',
  statement:
    'For any zero-respecting first-order method (each new iterate is supported on the coordinates its past gradients touched: gradient descent, momentum, and every diagonal preconditioner — Adam, RMSProp, AdaGrad, sign methods) started at x₀ = 0 on Nesterov’s chain function with 2k + 1 linked coordinates: f(x_k) − f* ≥ 3·L·R²/(32(k + 1)²). No first-order method converges faster than 1/k² on L-smooth convex functions.',
  assumptions: [
    'f: the chain function of arbitraries.chainFunction (L-smooth, convex), d ≥ 2k + 1, x₀ = 0',
    'the optimizer is zero-respecting: a coordinate whose gradients were all 0 gets a 0 update (true of every elementwise transform of descent, no weight decay or noise)',
  ],
  bound: 'f(x_k) − f* ≥ 3·L·R²/(32(k + 1)²)',
  source:
    'Nesterov, Introductory Lectures on Convex Optimization (2004), Thm 2.1.7; zero-respecting methods: Carmon, Duchi, Hinder & Sidford, Math. Prog. 184 (2020).',
  rounding:
    'No error propagates: the coordinates after k stay exactly 0 in floating point (0 gradients give 0 updates), so x̃_k lies in the subspace where f ≥ f*_k exactly; only the evaluation of f(x̃_k) − f* is rounded, by ≤ 1.01(d + 2)·u·(sum of the absolute values of its terms) (rounding.ts), and the bound by 16u.',
  problems: chainFunction(),
  constants: (p) => ({ L: p.L, k: p.k, d: p.d, R: norm(sub(p.x0, p.xStar!)) }),
  check: (p, tx) => {
    const xs = iterates(tx, p.grad, p.x0, p.k)
    const x = xs[p.k]!
    const R = norm(sub(p.x0, p.xStar!))
    let terms = Math.abs(x[0]!) + x[0]! ** 2
    for (let i = 0; i < p.d - 1; i++) terms += (x[i]! - x[i + 1]!) ** 2 + x[i + 1]! ** 2
    const slack = evaluation(p.d, (p.L / 4) * terms + Math.abs(p.fStar))
    return lower('f(x_k) − f*', p.k, p.f(x) - p.fStar, (3 * p.L * R * R) / (32 * (p.k + 1) ** 2), slack)
  },
}
