import fc from 'fast-check'
import { quadratic, type SmoothProblem } from '../arbitraries'
import { upper } from '../_internal/checks'
import { norm, sub } from '../_internal/linalg'
import { U, magnitude, propagated } from '../_internal/rounding'
import { iterates } from '../_internal/run'
import type { Theorem } from '../theorem'

/** Constants of {@link heavyBallQuadratic}: L, μ, n steps, dimension d. */
export interface HeavyBallConstants {
  readonly L: number
  readonly mu: number
  readonly n: number
  readonly d: number
}

/** A problem of {@link heavyBallQuadratic}. */
export interface HeavyBallProblem {
  readonly fn: SmoothProblem
  readonly n: number
}

export const heavyBallQuadratic: Theorem<HeavyBallConstants, HeavyBallProblem> = {
  name: 'heavyBallQuadratic',
  statement:
    'Polyak’s heavy ball x_{k+1} = x_k − α∇f(x_k) + β(x_k − x_{k−1}), x_{−1} = x₀ (descent: sgd(α, { momentum: β })), with α = 4/(√L + √μ)², β = q², q = (√L − √μ)/(√L + √μ), on a quadratic with μI ⪯ A ⪯ LI: ‖x_n − x*‖ ≤ (n + 1 + n·q)·qⁿ·‖x₀ − x*‖. Tight at λ = L (a double root −q).',
  assumptions: [
    'f(x) = ½(x − x*)ᵀA(x − x*) with spectrum(A) ⊂ [μ, L], μ > 0',
    'α = 4/(√L + √μ)², β = ((√L − √μ)/(√L + √μ))²',
  ],
  bound: '‖x_n − x*‖ ≤ (n + 1 + n·q)·qⁿ·‖x₀ − x*‖',
  source:
    'Polyak, USSR Comput. Math. 4 (1964); envelope derived here: per eigenvalue e_k = s_k·e₀ − β·s_{k−1}·e_{−1}, s_k = Σ_{j≤k} r₁ʲr₂^{k−j}, |r₁| = |r₂| = q, so |s_k| ≤ (k + 1)qᵏ.',
  rounding:
    'Momentum growth 2n + 1: E = n·(2n + 1)·√d·δ. The computed spectrum lies within Δ = 4(d + 1)·u·L of [μ, L], which moves a double root by ≤ √(q·α·Δ) ≤ 4√((d + 1)·u): the envelope uses q + 4√((d + 1)·u) (src/testing/_internal/rounding.ts).',
  problems: fc.record({ fn: quadratic({ stronglyConvex: true }), n: fc.integer({ min: 1, max: 100 }) }),
  constants: ({ fn, n }) => ({ L: fn.L, mu: fn.mu, n, d: fn.d }),
  check: ({ fn, n }, tx) => {
    const xs = iterates(tx, fn.grad, fn.x0, n)
    const R = norm(sub(fn.x0, fn.xStar!))
    const q0 = (Math.sqrt(fn.L) - Math.sqrt(fn.mu)) / (Math.sqrt(fn.L) + Math.sqrt(fn.mu))
    const q = Math.min(1, q0 + 4 * Math.sqrt((fn.d + 1) * U))
    const E = propagated(n, fn.d, magnitude(xs, fn.xStar!), 2 * n + 1)
    return upper('‖x_n − x*‖', n, norm(sub(xs[n]!, fn.xStar!)), (n + 1 + n * q) * q ** n * R, E)
  },
}
