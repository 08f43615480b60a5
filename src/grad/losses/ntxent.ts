import { ShapeError } from '../../core/errors'
import { checkInRange } from '../../core/hyperparams'
import { arrayTypeOf, fromStorage, type Tensor } from '../../core/tensor'
import { add, div, maximum, mul, neg, square, sub } from '../ops/arithmetic'
import { where } from '../ops/compare'
import { matmul } from '../ops/linalg'
import { sum } from '../ops/reduce'
import { transpose } from '../ops/shape'
import { exp, log, sqrt } from '../ops/unary'
import { concrete } from '../trace'
import { type TensorLike, asTensor } from '../tensorLike'
import { integerIds } from './_internal'

/**
 * Normalized temperature-scaled cross-entropy, NT-Xent (optax.ntxent; Chen et al. 2020, SimCLR, arXiv 2002.05709):
 * for every pair (i, j) of distinct embeddings with the same label, −log of the softmax of its cosine similarity
 * against the similarities of i to the embeddings of other labels, averaged over the pairs.
 * ```text
 * sᵢⱼ = cos(eᵢ, eⱼ)/τ        ℓ = −(1/|P|)·Σ_{(i,j)∈P} log( exp sᵢⱼ / (exp sᵢⱼ + Σ_{k: y_k ≠ yᵢ} exp sᵢₖ) )
 * ```
 * P is the set of pairs i ≠ j with yᵢ = yⱼ. The norms are bounded below by the float epsilon, as in optax.
 * @returns a 0-d tensor.
 * @throws ShapeError when `embeddings` is not [N, D] or `labels` is not N integers; HyperparameterError when τ ≤ 0.
 * @example
 * import { ntxent, tensor } from 'descent-ts'
 * // two positives at cosine 1 and one negative at cosine 0, τ = 1: −log(e/(e + 1)) for each of the 2 pairs
 * const e = tensor([[1, 0], [1, 0], [0, 1]], 'float64')
 * const l = ntxent(e, [0, 0, 1], 1).item()
 * assert.ok(Math.abs(l + Math.log(Math.E / (Math.E + 1))) < 1e-12)
 * @category losses
 * @since 0.2.0
 */
export function ntxent(embeddings: TensorLike, labels: TensorLike | ArrayLike<number>, temperature = 0.07): Tensor {
  const owner = 'ntxent'
  const tau = checkInRange(owner, 'temperature', temperature, '(0, Infinity)')
  const e = asTensor(embeddings)
  const { ids } = integerIds(labels)
  const n = e.shape[0]
  if (e.shape.length !== 2 || ids.length !== n) {
    throw new ShapeError(
      `${owner}: embeddings must be [N, D] and labels N values; got embeddings [${e.shape.join(',')}] and ` +
        `${ids.length} labels.`,
    )
  }
  const Out = arrayTypeOf(e.dtype)
  const [same, other] = [new Out(n * n), new Out(n * n)]
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (ids[i] === ids[j] && i !== j) same[i * n + j] = 1
      if (ids[i] !== ids[j]) other[i * n + j] = 1
    }
  }
  const matches = fromStorage(same, [n, n])
  const diffs = fromStorage(other, [n, n])
  const eps = e.dtype === 'float64' ? Number.EPSILON : 2 ** -23
  const unit = div(e, sqrt(maximum(sum(square(e), { axis: -1, keepDims: true }), eps)))
  const sim = div(matmul(unit, transpose(unit)), tau)
  // A constant shift per row (its largest relevant similarity) keeps exp finite; the loss does not depend on it.
  const s = concrete(sim).data
  const shiftData = new Out(n)
  for (let i = 0; i < n; i++) {
    let m = -Infinity
    for (let j = 0; j < n; j++) if (same[i * n + j] || other[i * n + j]) m = Math.max(m, s[i * n + j]!)
    shiftData[i] = Number.isFinite(m) ? m : 0
  }
  const shifted = sub(sim, fromStorage(shiftData, [n, 1]))
  const negatives = sum(exp(where(diffs, shifted, -Infinity)), { axis: 1, keepDims: true })
  const numer = where(matches, shifted, 0)
  const logSoftmax = sub(numer, log(add(negatives, exp(numer))))
  const pairs = Array.from(same).reduce((a, b) => a + b, 0)
  if (pairs === 0) {
    throw new ShapeError(`${owner}: no two embeddings share a label, so there is no positive pair to score (0/0).`)
  }
  return div(neg(sum(mul(matches, logSoftmax))), pairs)
}
