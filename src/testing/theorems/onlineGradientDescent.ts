import { upper } from '../_internal/checks'
import { diameters, gradBounds, linearOnline, type OnlineProblem, runOnline } from '../_internal/online'
import type { Theorem } from '../theorem'

/** Constants of {@link onlineGradientDescent}: G ≥ ‖g_t‖₂, the diameter D = 2r of the ball of radius r, T, d. */
export interface OnlineGradientDescentConstants {
  readonly G: number
  readonly D: number
  readonly radius: number
  readonly T: number
  readonly d: number
}

export const onlineGradientDescent: Theorem<OnlineGradientDescentConstants, OnlineProblem> = {
  name: 'onlineGradientDescent',
  statement:
    'Projected online gradient descent x_{t+1} = P_K(x_t − η_t g_t), η_t = D/(G√t), on convex losses with ‖g_t‖ ≤ G over a convex K of diameter D: Regret_T = Σ_t f_t(x_t) − min_{x∈K} Σ_t f_t(x) ≤ (3/2)·G·D·√T. Proof: ‖x_{t+1} − x*‖² ≤ ‖x_t − x*‖² − 2η_t⟨g_t, x_t − x*⟩ + η_t²G², summed: Regret ≤ D²/(2η_T) + (G²/2)Σ_t η_t ≤ (3/2)GD√T.',
  assumptions: [
    'f_t convex with ‖∇f_t‖₂ ≤ G on K (here linear losses, including alternating and Reddi-style adversarial sequences)',
    'K: the Euclidean ball of radius r, D = 2r; x₁ ∈ K',
    'every iterate is projected back onto K (chain the optimizer with projectionL2Ball(r))',
  ],
  bound: 'Regret_T ≤ (3/2)·G·D·√T, and x_t ∈ K for every t',
  source:
    'Zinkevich, ICML 2003, Thm 1; Hazan, Introduction to Online Convex Optimization (2016), Thm 3.1; PEPit online_gradient_descent.py.',
  rounding:
    'Linear losses: gradients do not depend on the iterates and the projection is nonexpansive, so ‖x̃_t − x_t‖ ≤ t·√d·δ; the regret is off by Σ_t‖g_t‖·t·√d·δ plus the evaluation of its d(T + 1) products, and an iterate may lie 4√d·u·M outside K (src/testing/_internal/online.ts, rounding.ts).',
  problems: linearOnline('ball'),
  constants: (p) => {
    const { G } = gradBounds(p)
    const { D } = diameters(p)
    return { G, D, radius: D / 2, T: p.T, d: p.d }
  },
  check: (p, tx) => {
    // η_t‖g_t‖ ≤ D/√t ≤ D
    const run = runOnline(tx, p, diameters(p).D)
    const [away, at] = run.worstOutside
    if (away > run.domainSlack) return upper('distance of x_t outside K', at, away, 0, run.domainSlack)
    const { G } = gradBounds(p)
    const { D } = diameters(p)
    return upper('Regret_T', p.T, run.regret, 1.5 * G * D * Math.sqrt(p.T), run.regretSlack)
  },
}
