import { gdNonconvex } from './theorems/gdNonconvex'
import { gdSmoothConvexTight } from './theorems/gdSmoothConvexTight'
import { gdStronglyConvexContraction } from './theorems/gdStronglyConvexContraction'
import { gdStronglyConvexRate } from './theorems/gdStronglyConvexRate'
import { heavyBallQuadratic } from './theorems/heavyBallQuadratic'
import { nesterovConvex } from './theorems/nesterovConvex'
import { nesterovStronglyConvex } from './theorems/nesterovStronglyConvex'

/**
 * The convergence theorems of `descent/testing`, each a {@link Theorem}: statement with exact constants,
 * assumptions, source, a problem family, and a check; run one with {@link verifyTheorem} or {@link assertTheorem}.
 * ```text
 * gdSmoothConvexTight          f(x_N) − f* ≤ L·R²/(4Nh + 2)                       sgd(h/L), tight (Huber)
 * gdStronglyConvexContraction  ‖x_n − y_n‖² ≤ max{(1−γL)², (1−γμ)²}ⁿ‖x₀ − y₀‖²    sgd(γ)
 * gdStronglyConvexRate         f(x_n) − f* ≤ (L/2)((κ−1)/(κ+1))²ⁿR²              sgd(2/(L+μ))
 * nesterovConvex               f(x_n) − f* ≤ 2LR²/(n+1)²                           fista(1/L)
 * nesterovStronglyConvex       f(x_n) − f* ≤ (1−√(μ/L))ⁿ(f(x₀) − f* + μR²/2)      sgd(1/L, { momentum, nesterov })
 * heavyBallQuadratic           ‖x_n − x*‖ ≤ (n+1+nq)qⁿ‖x₀ − x*‖                    sgd(α, { momentum: q² })
 * gdNonconvex                  min_{t<n}‖∇f(x_t)‖² ≤ 2L(f(x₀) − f(x_n))/(h(2−h)n)  sgd(h/L)
 * ```
 * @example
 * import { sgd } from 'descent'
 * import { assertTheorem, theorems } from 'descent/testing'
 *
 * const q = ({ L, mu }: { L: number; mu: number }) => (Math.sqrt(L) - Math.sqrt(mu)) / (Math.sqrt(L) + Math.sqrt(mu))
 * assertTheorem(theorems.heavyBallQuadratic, (k) => sgd(4 / (Math.sqrt(k.L) + Math.sqrt(k.mu)) ** 2, { momentum: q(k) ** 2 }), { numRuns: 20, seed: 4 })
 * assert.ok(Object.keys(theorems).length >= 6)
 * @category testing
 * @since 0.2.0
 */
export const theorems = {
  gdSmoothConvexTight,
  gdStronglyConvexContraction,
  gdStronglyConvexRate,
  nesterovConvex,
  nesterovStronglyConvex,
  heavyBallQuadratic,
  gdNonconvex,
} as const
