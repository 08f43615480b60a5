/**
 * sparsemax along the last axis, differentiable: the support of each row is found on the concrete values (it is
 * locally constant), and the threshold is then written with ops over that support, so its gradient is exact.
 * @internal
 */
import { fromStorage, type Tensor } from '../../core/tensor'
import { arrayTypeOf } from '../../core/tensor'
import { simplexThreshold } from '../../core/simplexThreshold'
import { div, mul, sub } from '../ops/arithmetic'
import { sum } from '../ops/reduce'
import { concrete } from '../trace'

/** sparsemax(s) = argmin_{p ∈ Δ} ‖p − s‖² = max(s − τ, 0) row by row, τ = (Σ_{support} s − 1)/|support|. */
export function sparsemax(scores: Tensor): Tensor {
  const k = scores.shape[scores.shape.length - 1]!
  const data = concrete(scores).data
  const rows = k === 0 ? 0 : data.length / k
  const Out = arrayTypeOf(scores.dtype)
  const support = new Out(data.length)
  const counts = new Out(rows)
  for (let r = 0; r < rows; r++) {
    const row = data.subarray(r * k, (r + 1) * k)
    const theta = simplexThreshold(row, 1)
    for (let i = 0; i < k; i++) if (row[i]! - theta > 0) support[r * k + i] = 1
    counts[r] = Array.from(support.subarray(r * k, (r + 1) * k)).reduce((a, b) => a + b, 0)
  }
  const m = fromStorage(support, scores.shape)
  const c = fromStorage(counts, [...scores.shape.slice(0, -1), 1])
  const tau = div(sub(sum(mul(scores, m), { axis: -1, keepDims: true }), 1), c)
  return mul(m, sub(scores, tau))
}
