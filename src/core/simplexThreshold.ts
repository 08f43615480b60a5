/**
 * The threshold θ of the Euclidean projection onto {p ≥ 0, Σp = s}: p = max(x − θ, 0) (Held, Wolfe & Crowder 1974;
 * Duchi et al. 2008). With u sorted decreasingly, k is the largest index with u_k − (Σ_{i≤k} u_i − s)/k > 0.
 * Shared by the simplex projections and sparsemax.
 * @internal
 */
export function simplexThreshold(values: ArrayLike<number>, s: number): number {
  const u = Array.from(values).sort((a, b) => b - a)
  let cumsum = 0
  let theta = 0
  for (let k = 1; k <= u.length; k++) {
    cumsum += u[k - 1]!
    const candidate = (cumsum - s) / k
    if (u[k - 1]! - candidate > 0) theta = candidate
  }
  return theta
}
