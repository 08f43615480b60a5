import fc from 'fast-check'
import { type SmoothProblem, wave } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm, norm2 } from '../_internal/linalg'
import { evaluation, magnitude, perStep } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link gdNonconvex}: L, step factor h (step h/L), n steps, dimension d. */
export interface GdNonconvexConstants {
  readonly L: number
  readonly h: number
  readonly n: number
  readonly d: number
}

/** A problem of {@link gdNonconvex}. */
export interface GdNonconvexProblem {
  readonly fn: SmoothProblem
  readonly h: number
  readonly n: number
}

export const gdNonconvex: Theorem<GdNonconvexConstants, GdNonconvexProblem> = {
  name: 'gdNonconvex',
  statement:
    'Gradient descent with step h/L, h ∈ (0, 2), on an L-smooth (possibly non-convex) f: min_{t<n} ‖∇f(x_t)‖² ≤ 2L·(f(x₀) − f(x_n))/(h(2 − h)·n). Proof: the descent lemma f(x_{t+1}) ≤ f(x_t) − (h/L)(1 − h/2)‖∇f(x_t)‖², summed.',
  assumptions: ['f L-smooth (‖∇²f‖ ≤ L), not necessarily convex', 'step h/L, h ∈ (0, 2)'],
  bound: 'min_{t<n} ‖∇f(x_t)‖² ≤ 2L·(f(x₀) − f(x_n))/(h(2 − h)·n)',
  source:
    'Nesterov 2004, §1.2.3 (descent lemma); the tight constant at h = 1 with t ≤ n is 4/3·L/n (PEPit nonconvex_optimization/gradient_descent.py).',
  rounding:
    'The descent lemma is applied to the computed iterates: each computed step is off by ≤ √d·δ from the exact step, which changes f by ≤ ‖∇f‖·√d·δ + L·d·δ²/2; summed and scaled by 2L/(h(2 − h)n), plus the evaluation of f(x₀) and f(x_n) (src/testing/_internal/rounding.ts).',
  problems: fc.record({
    fn: wave(),
    h: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1.95, noNaN: true })),
    n: fc.integer({ min: 1, max: 100 }),
  }),
  constants: ({ fn, h, n }) => ({ L: fn.L, h, n, d: fn.d }),
  check: ({ fn, h, n }, tx) => {
    const xs = iterates(tx, fn.grad, fn.x0, n)
    const gs = xs.slice(0, n).map((x) => norm2(fn.grad(x)))
    const delta = perStep(fn.d, magnitude(xs) + Math.sqrt(Math.max(...gs)) * (h / fn.L))
    const stepError = gs.reduce((s, g) => s + Math.sqrt(g) * Math.sqrt(fn.d) * delta + fn.L * fn.d * delta * delta, 0)
    const scale = (2 * fn.L) / (h * (2 - h) * n)
    const fAbs = (x: Float64Array) => Math.abs(fn.fStar) + fn.L * norm(x) ** 2
    const slack = scale * (stepError + evaluation(fn.d * 5, fAbs(fn.x0) + fAbs(xs[n]!)))
    return upper('min_{t<n} ‖∇f(x_t)‖²', n, Math.min(...gs), scale * (fn.f(fn.x0) - fn.f(xs[n]!)), slack)
  },
}
