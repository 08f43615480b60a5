import fc from 'fast-check'
import { lipschitzConvex, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm, sub } from '../_internal/linalg'
import { evaluation, magnitude, perStep } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link subgradientMethod}: the Lipschitz constant M, R = ‖x₀ − x*‖, n steps, dimension d. */
export interface SubgradientMethodConstants {
  readonly M: number
  readonly R: number
  readonly n: number
  readonly d: number
}

/** A problem of {@link subgradientMethod}: a convex M-Lipschitz function and the number of steps n. */
export interface SubgradientMethodProblem {
  readonly fn: SmoothProblem & { readonly M: number }
  readonly n: number
}

export const subgradientMethod: Theorem<SubgradientMethodConstants, SubgradientMethodProblem> = {
  name: 'subgradientMethod',
  statement:
    'The subgradient method x_{t+1} = x_t − γ·g_t, g_t ∈ ∂f(x_t), with constant step γ = R/(M√(n + 1)) on a convex M-Lipschitz f: min_{0≤t≤n} f(x_t) − f* ≤ M·R/√(n + 1). Proof: ‖x_{t+1} − x*‖² ≤ ‖x_t − x*‖² − 2γ(f(x_t) − f*) + γ²M², summed over t = 0…n. Tight (Drori & Teboulle 2016).',
  assumptions: [
    'f convex and M-Lipschitz (‖g‖ ≤ M for every subgradient), with a minimiser x*',
    'constant step γ = R/(M√(n + 1)), R = ‖x₀ − x*‖',
  ],
  bound: 'min_{0≤t≤n} f(x_t) − f* ≤ M·R/√(n + 1)',
  source:
    'Nesterov, Introductory Lectures on Convex Optimization (2004), §3.2.3; tightness: Drori & Teboulle, Math. Prog. 160 (2016); PEPit subgradient_method.py.',
  rounding:
    'The proof is applied to the computed iterates: x̃_{t+1} = x̃_t − γg̃_t + e_t with ‖e_t‖ ≤ √d·δ, δ = perStep(d, M_x), so Σ_t 2γ(f(x̃_t) − f*) ≤ R² + (n + 1)γ²M² + Σ_t(2‖e_t‖(‖x̃_t − x*‖ + γM) + ‖e_t‖²); the slack is that last sum over 2γ(n + 1), plus the evaluation of f (rounding.ts).',
  problems: fc.record({
    // R = 0 (a start at x*) makes the step R/(M√(n + 1)) zero and the theorem empty; R ≥ 1e-3 keeps R² normal
    fn: lipschitzConvex().filter((fn) => norm(sub(fn.x0, fn.xStar!)) >= 1e-3),
    n: fc.integer({ min: 1, max: 100 }),
  }),
  constants: ({ fn, n }) => ({ M: fn.M, R: norm(sub(fn.x0, fn.xStar!)), n, d: fn.d }),
  check: ({ fn, n }, tx) => {
    const xs = iterates(tx, fn.grad, fn.x0, n)
    const R = norm(sub(fn.x0, fn.xStar!))
    const gamma = R / (fn.M * Math.sqrt(n + 1))
    const e = Math.sqrt(fn.d) * perStep(fn.d, magnitude(xs, fn.xStar!) + gamma * fn.M)
    const drift = xs.slice(0, n + 1).reduce((s, x) => s + 2 * e * (norm(sub(x, fn.xStar!)) + gamma * fn.M) + e * e, 0)
    const gaps = xs.map((x) => fn.f(x) - fn.fStar)
    const best = Math.min(...gaps)
    const slack =
      drift / (2 * gamma * (n + 1)) + evaluation(2 * fn.d, fn.M * Math.max(...xs.map((x) => norm(sub(x, fn.xStar!)))))
    return upper('min_{t≤n} f(x_t) − f*', gaps.indexOf(best), best, (fn.M * R) / Math.sqrt(n + 1), slack)
  },
}
