import fc from 'fast-check'
import { upper } from '../_internal/checks'
import { gradBounds, linearOnline, maxDistanceInf, type OnlineProblem, runOnline } from '../_internal/online'
import type { Theorem } from '../theorem'

/**
 * Constants of {@link adagradRegret}: the step η, the regulariser δ (the optimizer's denominator is at most
 * δ + ‖g_{1:t,i}‖₂), the box [lower, upper]ᵈ, T and d.
 */
export interface AdagradRegretConstants {
  readonly eta: number
  readonly delta: number
  readonly lower: number
  readonly upper: number
  readonly T: number
  readonly d: number
}

/** A problem of {@link adagradRegret}: an online problem on a box, the step factor (η = factor·D∞) and δ/G∞. */
export interface AdagradRegretProblem {
  readonly online: OnlineProblem
  readonly factor: number
  readonly deltaRatio: number
}

const box = (p: OnlineProblem) => p.domain as { readonly lower: number; readonly upper: number }

export const adagradRegret: Theorem<AdagradRegretConstants, AdagradRegretProblem> = {
  name: 'adagradRegret',
  statement:
    'Diagonal AdaGrad x_{t+1} = P_K(x_t − η·g_t/h_t), h_{t,i} ≤ δ + ‖g_{1:t,i}‖₂ and h_{t,i} ≥ ‖g_{1:t,i}‖₂, on convex losses over a box K: Regret_T ≤ (1/(2η))·max_t‖x_t − x*‖²_∞·(Σ_i‖g_{1:T,i}‖₂ + d·δ) + η·Σ_i‖g_{1:T,i}‖₂. With δ = 0, η = D∞/√2: ≤ √2·D∞·Σ_i‖g_{1:T,i}‖₂.',
  assumptions: [
    'f_t convex (here linear, with adversarial sequences), g_{1:T,i} = (g_{1,i}, …, g_{T,i})',
    'K = [lower, upper]ᵈ, D∞ = upper − lower; the box projection is the projection in every diagonal norm (projectionBox)',
    'the optimizer: adagrad(η, { initialAccumulatorValue: δ², eps: 0 }) then projectionBox, i.e. h_{t,i} = √(δ² + Σ_{s≤t} g²_{s,i})',
  ],
  bound: 'Regret_T ≤ max_t‖x_t − x*‖²_∞·(Σ_i‖g_{1:T,i}‖₂ + dδ)/(2η) + η·Σ_i‖g_{1:T,i}‖₂',
  source:
    'Duchi, Hazan & Singer, JMLR 12 (2011), Thm 5 (composite mirror descent form; the proof bounds the telescoping sum by max‖x_t − x*‖²_∞·tr(H_T)/(2η) with tr(H_T) ≤ Σ_i‖g_{1:T,i}‖₂ + dδ, and Σ_t‖g_t‖²_{H_t⁻¹} by 2Σ_i‖g_{1:T,i}‖₂, Lemma 4).',
  rounding:
    'As onlineGradientDescent: ‖x̃_t − x_t‖ ≤ t·√d·δ_u (linear losses, nonexpansive projection, per-coordinate steps that depend on the gradients only), the regret off by Σ_t‖g_t‖·t·√d·δ_u plus its evaluation, and 16u relative on the bound.',
  problems: fc.record({
    online: linearOnline('box'),
    factor: fc.oneof(fc.constant(Math.SQRT1_2), fc.double({ min: 0.05, max: 2, noNaN: true })),
    deltaRatio: fc.constantFrom(0, 1e-3, 1),
  }),
  constants: ({ online, factor, deltaRatio }) => {
    const { lower, upper: hi } = box(online)
    return {
      eta: factor * (hi - lower),
      delta: deltaRatio * gradBounds(online).Ginf,
      lower,
      upper: hi,
      T: online.T,
      d: online.d,
    }
  },
  check: (problem, tx) => {
    const p = problem.online
    const { eta, delta } = adagradRegret.constants(problem)
    // |η·g_{t,i}/h_{t,i}| ≤ η since h_{t,i} ≥ ‖g_{1:t,i}‖₂ ≥ |g_{t,i}|
    const run = runOnline(tx, p, eta)
    const [away, at] = run.worstOutside
    if (away > run.domainSlack) return upper('distance of x_t outside K', at, away, 0, run.domainSlack)
    const s = Array.from({ length: p.d }, (_, i) => Math.sqrt(p.grads.reduce((a, g) => a + g[i]! ** 2, 0)))
    const sumS = s.reduce((a, b) => a + b, 0)
    const dist = maxDistanceInf(p, run)
    const weight = (sumS + p.d * delta) / (2 * eta)
    const bound = dist * dist * weight + eta * sumS
    // the bound is computed from the computed iterates: dist is off by ≤ iterateError
    const slack = run.regretSlack + (2 * dist + run.iterateError) * run.iterateError * weight
    return upper('Regret_T', p.T, run.regret, bound, slack)
  },
}
