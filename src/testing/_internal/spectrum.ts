import { U } from './rounding'

/**
 * The computed A = Q·diag(λ)·Qᵀ is exactly symmetric with eigenvalues within Δ = 4(d + 1)·u·L of the drawn λᵢ
 * (Weyl's inequality; Q is orthogonal to a few ulps), so a check treats the problem as (L + Δ)-smooth and
 * (μ − Δ)-strongly convex.
 */
export const spectrumSlack = (d: number, L: number): number => 4 * (d + 1) * U * L
