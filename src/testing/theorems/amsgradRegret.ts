import fc from 'fast-check'
import { upper } from '../_internal/checks'
import { gradBounds, linearOnline, maxDistanceInf, type OnlineProblem, runOnline } from '../_internal/online'
import type { Theorem } from '../theorem'

/** Constants of {@link amsgradRegret}: base step α (α_t = α/√t), β₂, ε, the box [lower, upper]ᵈ, T and d. */
export interface AmsgradRegretConstants {
  readonly alpha: number
  readonly b2: number
  readonly eps: number
  readonly lower: number
  readonly upper: number
  readonly T: number
  readonly d: number
}

/** A problem of {@link amsgradRegret}: an online problem on a box with the optimizer's α and β₂. */
export interface AmsgradRegretProblem {
  readonly online: OnlineProblem
  readonly alpha: number
  readonly b2: number
}

const EPS = 1e-8

/** Reddi, Kale & Kumar's instance: K = [−1, 1], f_t(x) = C·x when t mod 3 = 1, −x otherwise; β₂ = 1/(1 + C²). */
const reddi = fc
  .record({
    C: fc.double({ min: 3, max: 10, noNaN: true }),
    T: fc.integer({ min: 300, max: 400 }),
    x1: fc.double({ min: 0, max: 1, noNaN: true }),
    alpha: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
  })
  .map(({ C, T, x1, alpha }) => {
    const online: OnlineProblem = Object.defineProperty(
      {
        family: 'online' as const,
        pattern: 'reddi' as const,
        d: 1,
        T,
        grads: Array.from({ length: T }, (_, t) => Float64Array.of(t % 3 === 0 ? C : -1)),
        x1: Float64Array.of(x1),
        domain: { kind: 'box' as const, lower: -1, upper: 1 },
      },
      fc.toStringMethod,
      { value: () => `reddi(C=${C}, T=${T}, x₁=${x1}) on [−1, 1]`, enumerable: false },
    )
    return { online, alpha, b2: 1 / (1 + C * C) }
  })

const box = (p: OnlineProblem) => p.domain as { readonly lower: number; readonly upper: number }

export const amsgradRegret: Theorem<AmsgradRegretConstants, AmsgradRegretProblem> = {
  name: 'amsgradRegret',
  statement:
    'AMSGrad with β₁ = 0, x_{t+1} = P_K(x_t − α_t·g_t/(√v̂_t + ε)), α_t = α/√t, v̂_t = max(v̂_{t−1}, v_t), on convex losses over a box K: Regret_T ≤ max_t‖x_t − x*‖²_∞·√T·d·(G∞ + ε)/(2α) + (α/(2√(1 − β₂)))·Σ_t Σ_i |g_{t,i}|/√t = O(√T). On Reddi et al.’s instance (C x, −x, −x on [−1, 1], β₂ = 1/(1 + C²)) Adam, whose v_t may decrease, has linear regret: it goes to +1 while x* = −1.',
  assumptions: [
    'f_t convex (linear here), ‖g_t‖_∞ ≤ G∞; K = [lower, upper]ᵈ with projectionBox (the projection in every diagonal norm)',
    'β₁ = 0, any β₂ ∈ [0, 1), α_t = α/√t (a schedule c ↦ α/√(c + 1)), v̂_t ≤ G∞² (true with or without bias correction)',
    'the denominator √t·(√v̂_t + ε) is nondecreasing in t: that is the max, and what Adam lacks',
  ],
  bound: 'Regret_T ≤ max_t‖x_t − x*‖²_∞·√T·d·(G∞ + ε)/(2α) + α/(2√(1 − β₂))·Σ_t Σ_i |g_{t,i}|/√t',
  source:
    'Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond", ICLR 2018: Thm 1 (the counterexample), Thm 4 (AMSGrad regret; proof fixed by Tran & Phong, IEEE Access 2019). With β₁ = 0 the bound is the online mirror descent one with H_t = √t·diag(√v̂_t + ε)/α nondecreasing: ½max‖x_t − x*‖²_∞·tr(H_T) + ½Σ_t‖g_t‖²_{H_t⁻¹}, and v̂_t ≥ (1 − β₂)g_t².',
  rounding:
    'As onlineGradientDescent: linear losses and a nonexpansive projection give ‖x̃_t − x_t‖ ≤ t·√d·δ; the regret is off by Σ_t‖g_t‖·t·√d·δ plus its evaluation, and the bound, computed from the computed iterates, by the same error in max‖x_t − x*‖_∞.',
  problems: fc.oneof(
    reddi,
    fc
      .record({
        online: linearOnline('box', { maxT: 60 }),
        alpha: fc.double({ min: 0.05, max: 2, noNaN: true }),
        b2: fc.oneof(fc.constant(0.999), fc.double({ min: 0, max: 0.999, noNaN: true })),
      })
      .map(({ online, alpha, b2 }) => ({ online, alpha: alpha * (box(online).upper - box(online).lower), b2 })),
  ),
  constants: ({ online, alpha, b2 }) => {
    const { lower, upper: hi } = box(online)
    return { alpha, b2, eps: EPS, lower, upper: hi, T: online.T, d: online.d }
  },
  check: (problem, tx) => {
    const p = problem.online
    const { alpha, b2, eps } = amsgradRegret.constants(problem)
    // |α_t·g_{t,i}/(√v̂_{t,i} + ε)| ≤ α/√(1 − β₂) since v̂_t ≥ (1 − β₂)·g_t²
    const run = runOnline(tx, p, alpha / Math.sqrt(1 - b2))
    const [away, at] = run.worstOutside
    if (away > run.domainSlack) return upper('distance of x_t outside K', at, away, 0, run.domainSlack)
    const { Ginf } = gradBounds(p)
    const dist = maxDistanceInf(p, run)
    const weight = (Math.sqrt(p.T) * p.d * (Ginf + eps)) / (2 * alpha)
    const sum = p.grads.reduce((s, g, t) => s + g.reduce((a, gi) => a + Math.abs(gi), 0) / Math.sqrt(t + 1), 0)
    const bound = dist * dist * weight + (alpha / (2 * Math.sqrt(1 - b2))) * sum
    const slack = run.regretSlack + (2 * dist + run.iterateError) * run.iterateError * weight
    return upper('Regret_T', p.T, run.regret, bound, slack)
  },
}
