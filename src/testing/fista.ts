import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'

/**
 * State of {@link fista}.
 * @category testing
 * @since 0.2.0
 */
export interface FistaState {
  /** Number of updates so far (k − 1 at FISTA's step k). */
  readonly count: number
  /** λ_k of the momentum recursion, 1 at init. */
  readonly lambda: number
  /** β_{k−1}, the previous step's momentum coefficient (0 at init). */
  readonly beta: number
  /** The momentum buffer m_k = g_k + β_{k−1}·m_{k−1} (so that x_k − x_{k−1} = −η·m_k). */
  readonly trace: PyTree
}

/**
 * The momentum coefficient of FISTA's step k ≥ 1 (Beck & Teboulle 2009): β_k = (λ_k − 1)/λ_{k+1}, with λ₁ = 1 and
 * λ_{k+1} = (1 + √(1 + 4λ_k²))/2. β₁ = 0, β_k → 1 as 1 − 3/k.
 * @returns β_k.
 * @example
 * import { fistaMomentum } from 'descent-ts/testing'
 *
 * assert.equal(fistaMomentum(1), 0)
 * assert.ok(Math.abs(fistaMomentum(2) - 0.2817535) < 1e-6)
 * @category testing
 * @since 0.2.0
 */
export function fistaMomentum(k: number): number {
  let lambda = 1
  for (let i = 1; i < k; i++) lambda = (1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2
  return (lambda - 1) / ((1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2)
}

/**
 * The accelerated-gradient reference of `descent-ts/testing`: FISTA / Nesterov's method for convex L-smooth functions
 * with step η (= 1/L for the theorem), read in its y-form (the params are the points y_k where gradients are taken).
 * ```text
 * x_k = y_k − η·∇f(y_k),   y_{k+1} = x_k + β_k·(x_k − x_{k−1}),   β_k = (λ_k − 1)/λ_{k+1}   (y₁ = x₀)
 * as a transform:  m_k = g_k + β_{k−1}·m_{k−1},   u_k = −η·(g_k + β_k·m_k)
 * ```
 * Why not `injectHyperparams(trace)`: `sgd(η, { momentum: β, nesterov: true })` is exactly this update with a
 * *constant* β (the strongly convex method of {@link theorems}`.nesterovStronglyConvex`), but with a varying β the
 * recursion needs β_{k−1} while the output needs β_k, and `trace` uses one decay for both at each step; so a
 * scheduled decay on `trace` is a different (unproven) method. This transform keeps FISTA's exact coefficients.
 * @returns A `GradientTransformation` whose params follow FISTA's y_k.
 * @example
 * import { fista, theorems, verifyTheorem } from 'descent-ts/testing'
 *
 * const r = verifyTheorem(theorems.nesterovConvex, ({ L }) => fista(1 / L), { numRuns: 20, seed: 3 })
 * assert.equal(r._tag, 'Right')
 * @see fistaMomentum
 * @category testing
 * @since 0.2.0
 */
export function fista(learningRate: number): GradientTransformation<FistaState> {
  return {
    init: (params) => ({ count: 0, lambda: 1, beta: 0, trace: tree.zerosLike(params) }),
    update: (updates, state) => {
      const lambdaNext = (1 + Math.sqrt(1 + 4 * state.lambda * state.lambda)) / 2
      const beta = (state.lambda - 1) / lambdaNext
      const m = tree.mapElementwise((g, t) => g + state.beta * t, updates, state.trace as typeof updates)
      const out = tree.mapElementwise((g, mm) => -learningRate * (g + beta * mm), updates, m)
      return [out, { count: state.count + 1, lambda: lambdaNext, beta, trace: m }] as const
    },
  }
}
