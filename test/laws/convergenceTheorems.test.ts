/**
 * The classic convergence theorems of gradient descent, checked as properties of `sgd(η)` on random problems in
 * float64. Gradients are written by hand; the optimizer only sees them as a pytree `{ x: float64 tensor }`.
 *
 * Floating point. Each bound gets a relative slack of 1e-9 and an absolute floor for rounding: the iterates live near
 * magnitude M = ‖x*‖∞ + ‖x₀ − x*‖∞ and every step rounds them by a few ulps of M, so after T steps they are only
 * known to δ = T·(n + 4)·u·(1 + M) per coordinate (u = 2⁻⁵³, the step's matrix–vector product has n terms).
 * For the quadratics, the computed A = Q·diag(λ)·Qᵀ has eigenvalues within ~n·u·L of λ (Weyl), so the contraction
 * factor of theorem (2) is taken as 1 − μ/L + 8(n + 1)·u.
 */
import { convergenceTheorems } from '../_helpers/theoremProblems'

// LAW_RUNS=1000 runs the theorems harder (they passed 3 seeds × 1000 runs when written).
const NUM_RUNS = Number(process.env.LAW_RUNS ?? 50)

// The theorems, their proofs and the problem families live in test/_helpers/theoremProblems.ts, shared with the
// autodiff run (convergenceTheoremsGrad.test.ts).
convergenceTheorems('convergence theorems of gradient descent (sgd(η), float64)', { numRuns: NUM_RUNS })
