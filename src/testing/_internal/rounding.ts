/**
 * The rounding slack of the theorem checks: derived once here, from the standard model of float64 arithmetic,
 * and never tuned to make a test pass.
 *
 * Model (Higham, *Accuracy and Stability of Numerical Algorithms*, §2.2 and §3.1): every operation is exact up to a
 * relative error u = 2⁻⁵³, and a sum of k products is exact up to γ_k·Σ|terms| with γ_k = k·u/(1 − k·u) ≤ 1.01·k·u.
 * Let M bound the magnitude of every number a run touches: the coordinates of the iterates, of x* and of each step
 * (the checks take M from the computed run itself, which only needs it as a magnitude).
 *
 * One step in dimension d. The gradient of the problem families is a matrix–vector product or a sum of d scaled
 * vectors; each coordinate of it, times a step size ≤ 2/L, is off by at most 1.01·d·u·Σ_j |a_ij|·|e_j|/L ≤
 * 1.01·d^{3/2}·u·M (a row of A has Euclidean norm ≤ ‖A‖ ≤ L, so Σ_j|a_ij| ≤ √d·L). The subtraction x − x*, the
 * scaling by the step and the update x + u add 3 more roundings of size ≤ u·M, and the optimizer's own arithmetic
 * (a learning rate, a momentum trace) ≤ 4 more. Hence {@link perStep}: δ = (2·d^{3/2} + 8)·u·M per coordinate, a
 * Euclidean error ≤ √d·δ per step.
 *
 * Propagation over T steps. A gradient step x ↦ x − γ∇f(x) with γ ≤ 2/L on a convex L-smooth f is nonexpansive, so
 * errors made at each step add up without growing: ‖x̃_T − x_T‖ ≤ T·√d·δ ({@link propagated} with growth 1). A
 * momentum method on a quadratic multiplies an error by the 2×2 iteration matrices, whose powers have norm ≤ 2k + 1
 * (their eigenvalues have modulus ≤ 1, and a Jordan block adds the factor k): growth 2T + 1.
 *
 * From iterates to function values. For convex f, f(x̃) − f(x) ≤ ⟨∇f(x̃), x̃ − x⟩ ≤ ‖∇f(x̃)‖·E when ‖x̃ − x‖ ≤ E, and
 * evaluating f (a quadratic form or a sum of d terms) adds ≤ 1.01·(d + 2)·u·(sum of the absolute values of its
 * terms), bounded by {@link evaluation}. Bounds themselves are computed with a handful of roundings: a relative
 * 16·u covers them.
 */
export const U = 2 ** -53

/** δ: the rounding of one step, per coordinate, in dimension d with magnitudes ≤ M. */
export const perStep = (d: number, M: number): number => (2 * d ** 1.5 + 8) * U * M

/** E: the Euclidean distance between the computed and the exact iterate after T steps, with a per-step growth. */
export const propagated = (T: number, d: number, M: number, growth = 1): number =>
  T * growth * Math.sqrt(d) * perStep(d, M)

/** The rounding of evaluating a function of d terms whose absolute values sum to `termsAbs`. */
export const evaluation = (d: number, termsAbs: number): number => 1.01 * (d + 2) * U * termsAbs

/** The relative rounding of computing a bound from its constants. */
export const BOUND_RELATIVE = 16 * U

/** The largest magnitude in a run: the coordinates of every iterate and of the extra vectors given. */
export const magnitude = (xs: readonly Float64Array[], ...more: readonly Float64Array[]): number => {
  let m = 0
  for (const x of [...xs, ...more]) for (const v of x) m = Math.max(m, Math.abs(v))
  return m
}
