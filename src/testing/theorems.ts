import { adagradRegret } from './theorems/adagradRegret'
import { amsgradRegret } from './theorems/amsgradRegret'
import { gdNonconvex } from './theorems/gdNonconvex'
import { gdSmoothConvexTight } from './theorems/gdSmoothConvexTight'
import { gdStronglyConvexContraction } from './theorems/gdStronglyConvexContraction'
import { gdStronglyConvexRate } from './theorems/gdStronglyConvexRate'
import { heavyBallQuadratic } from './theorems/heavyBallQuadratic'
import { heavyBallStronglyConvex } from './theorems/heavyBallStronglyConvex'
import { nesterovConvex } from './theorems/nesterovConvex'
import { nesterovLowerBound } from './theorems/nesterovLowerBound'
import { nesterovStronglyConvex } from './theorems/nesterovStronglyConvex'
import { onlineGradientDescent } from './theorems/onlineGradientDescent'
import { subgradientMethod } from './theorems/subgradientMethod'

/**
 * The convergence theorems of `descent-ts/testing`, each a {@link Theorem}: statement with exact constants,
 * assumptions, source, a problem family, and a check; run one with {@link verifyTheorem} or {@link assertTheorem}.
 * ```text
 * gdSmoothConvexTight          f(x_N) − f* ≤ L·R²/(4Nh + 2)                       sgd(h/L), tight (Huber)
 * gdStronglyConvexContraction  ‖x_n − y_n‖² ≤ max{(1−γL)², (1−γμ)²}ⁿ‖x₀ − y₀‖²    sgd(γ)
 * gdStronglyConvexRate         f(x_n) − f* ≤ (L/2)((κ−1)/(κ+1))²ⁿR²              sgd(2/(L+μ))
 * nesterovConvex               f(x_n) − f* ≤ 2LR²/(n+1)²                           fista(1/L)
 * nesterovStronglyConvex       f(x_n) − f* ≤ (1−√(μ/L))ⁿ(f(x₀) − f* + μR²/2)      sgd(1/L, { momentum, nesterov })
 * heavyBallQuadratic           ‖x_n − x*‖ ≤ (n+1+nq)qⁿ‖x₀ − x*‖                    sgd(α, { momentum: q² })
 * gdNonconvex                  min_{t<n}‖∇f(x_t)‖² ≤ 2L(f(x₀) − f(x_n))/(h(2−h)n)  sgd(h/L)
 * subgradientMethod            min_{t≤n} f(x_t) − f* ≤ MR/√(n+1)                    sgd(R/(M√(n+1)))
 * onlineGradientDescent        Regret_T ≤ (3/2)GD√T                                 chain(sgd(D/(G√t)), projectionL2Ball(D/2))
 * adagradRegret                Regret_T ≤ max‖x_t−x*‖²∞(Σᵢ‖g_{1:T,i}‖+dδ)/(2η) + ηΣᵢ‖g_{1:T,i}‖  adagrad + projectionBox
 * nesterovLowerBound           f(x_k) − f* ≥ 3LR²/(32(k+1)²)  (a lower bound)      any zero-respecting method
 * amsgradRegret                Regret_T ≤ O(√T) (Reddi et al.; Adam fails it)       amsgrad(α/√t, { b1: 0 }) + projectionBox
 * heavyBallStronglyConvex      f(x_n) − f* ≤ (1−αμ)ⁿ(f(x₀) − f*) (Lessard's cycle)  sgd(h/L, { momentum: √((1−hμ/L)(1−h)) })
 * ```
 * @example
 * import { sgd } from 'descent-ts'
 * import { assertTheorem, theorems } from 'descent-ts/testing'
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
  subgradientMethod,
  onlineGradientDescent,
  adagradRegret,
  nesterovLowerBound,
  amsgradRegret,
  heavyBallStronglyConvex,
} as const
