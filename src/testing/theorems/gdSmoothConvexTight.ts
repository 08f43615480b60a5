import fc from 'fast-check'
import { huberWorstCase, quadratic, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { magnitude, evaluation, propagated } from '../_internal/rounding'
import { norm, normInf, sub } from '../_internal/linalg'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link gdSmoothConvexTight}: smoothness L, step factor h (step h/L), N steps, R = ‖x₀ − x*‖, dimension d. */
export interface GdSmoothConvexConstants {
  readonly L: number
  readonly h: number
  readonly n: number
  readonly R: number
  readonly d: number
}

/** A problem of {@link gdSmoothConvexTight}: a convex L-smooth function, the number of steps N and the step factor h. */
export interface GdSmoothConvexProblem {
  readonly fn: SmoothProblem
  readonly N: number
  readonly h: number
}

const stepFactor = fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 1, noNaN: true }))

export const gdSmoothConvexTight: Theorem<GdSmoothConvexConstants, GdSmoothConvexProblem> = {
  name: 'gdSmoothConvexTight',
  statement:
    'Gradient descent x_{t+1} = x_t − (h/L)∇f(x_t), h ∈ (0, 1], on a convex L-smooth f: after N steps f(x_N) − f* ≤ L·R²/(4Nh + 2), R = ‖x₀ − x*‖. The bound is tight: the Huber function with kink R/(2Nh + 1) attains it.',
  assumptions: ['f convex and L-smooth, with a minimiser x*', 'step h/L with h ∈ (0, 1]', 'N ≥ 1 steps from x₀'],
  bound: 'f(x_N) − f* ≤ L·R²/(4Nh + 2)',
  source:
    'Drori & Teboulle, Math. Prog. 145 (2014), Thm 3.1 (tightness: §3.2); PEPit gradient_descent.py. Classical weaker form L·R²/(2N): Beck & Teboulle 2009, Thm 3.1.',
  rounding:
    'Nonexpansive steps: ‖x̃_N − x_N‖ ≤ E = N·√d·δ, δ = (2d^{3/2} + 8)·u·M; by convexity f(x̃_N) − f(x_N) ≤ ‖∇f(x̃_N)‖·E, plus the evaluation of f, (d + 2)·u·d^{3/2}·L·‖x̃_N − x*‖∞², and 16u relative on the bound (src/testing/_internal/rounding.ts).',
  problems: fc.oneof(
    huberWorstCase().map((fn) => ({ fn, N: fn.N, h: fn.h })),
    fc.record({ fn: quadratic(), N: fc.integer({ min: 1, max: 60 }), h: stepFactor }),
  ),
  constants: ({ fn, N, h }) => ({ L: fn.L, h, n: N, R: norm(sub(fn.x0, fn.xStar!)), d: fn.d }),
  check: ({ fn, N, h }, tx) => {
    const xs = iterates(tx, fn.grad, fn.x0, N)
    const xN = xs[N]!
    const R = norm(sub(fn.x0, fn.xStar!))
    const M = magnitude(xs, fn.xStar!)
    const E = propagated(N, fn.d, M)
    const slack = norm(fn.grad(xN)) * E + evaluation(fn.d, fn.d ** 1.5 * fn.L * normInf(sub(xN, fn.xStar!)) ** 2)
    return upper('f(x_N) − f*', N, fn.f(xN) - fn.fStar, (fn.L * R * R) / (4 * N * h + 2), slack)
  },
}
