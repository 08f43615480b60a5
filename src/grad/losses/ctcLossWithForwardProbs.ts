import { ShapeError } from '../../core/errors'
import { type Tensor, tensor } from '../../core/tensor'
import { add, mul, neg } from '../ops/arithmetic'
import { logSoftmax } from '../ops/activations'
import { matmul } from '../ops/linalg'
import { logsumexp, sum } from '../ops/reduce'
import { concat, reshape, slice, stack, take, transpose } from '../ops/shape'
import { type TensorLike, asTensor } from '../tensorLike'
import { integerIds } from './_internal'
import type { CtcLossOptions } from './ctcLoss'

const logaddexp = (a: Tensor, b: Tensor): Tensor => logsumexp(stack([a, b]), 0)

/** `phi[:, 1:] ← logaddexp(phi[:, 1:], added)` (optax's `update_phi_score`). */
function updatePhi(phi: Tensor, added: Tensor): Tensor {
  const [b, n1] = phi.shape as [number, number]
  return concat([slice(phi, [0, 0], [b, 1]), logaddexp(slice(phi, [0, 1], [b, n1 - 1]), added)], 1)
}

/** Integer ids of shape [rows, cols] (a tensor or nested arrays), or a ShapeError naming `name`. */
function idsOf(owner: string, name: string, x: unknown, rows: number, cols: number | undefined): number[][] {
  const asT = Array.isArray(x) ? tensor(x as number[][], 'float64') : (x as TensorLike)
  const { ids, shape } = integerIds(asT)
  if (shape.length !== 2 || shape[0] !== rows || (cols !== undefined && shape[1] !== cols)) {
    const want = `[${rows}, ${cols ?? 'N'}]`
    throw new ShapeError(`${owner}: ${name} must have shape ${want}; got [${shape.join(', ')}].`)
  }
  const c = shape[1]!
  return Array.from({ length: rows }, (_, r) => ids.slice(r * c, (r + 1) * c))
}

/**
 * The CTC loss and the CTC forward (α) log-probabilities (optax's `ctc_loss_with_forward_probs`): the same per-sequence
 * loss as {@link ctcLoss}, plus the forward variables split into "the alignment is at a blank" and "at a label".
 *
 * For the blank-inserted alignments π of the labels y (Graves et al. 2006), with padded frames skipped:
 * ```text
 * α_BLANK(t, n) = log Σ_{π_{1:t}: π_t = ∅, B(π_{1:t}) = y_{1:n}} Π_{τ≤t} p_τ(π_τ)          n = 0 … N
 * α_LABEL(t, n) = log Σ_{π_{1:t}: π_t = y_{n+1}, B(π_{1:t}) = y_{1:n+1}} Π_{τ≤t} p_τ(π_τ)   n = 0 … N−1
 * α_BLANK(T, n) ← logaddexp(α_BLANK(T, n), α_LABEL(T, n − 1))  (last frame: every alignment of y_{1:n})
 * loss_b = −α_BLANK(T, |y_b|)
 * ```
 * log 0 is `logEpsilon` (as optax), so unreachable states hold about `logEpsilon` (a multiple of it) instead of −∞.
 * Padded labels (labelPaddings = 1) take part in the recursion as optax's one-hot encoding does (an id outside
 * [0, K) emits with log-probability 0) but never in the loss; labels must be right-padded.
 *
 * Reference: Graves et al. 2006, "Connectionist temporal classification", https://doi.org/10.1145/1143844.1143891
 *
 * @param logits - [B, T, K] logits (class `blankId` is the blank), T ≥ 1.
 * @param logitPaddings - [B, T], 1 for a padded frame.
 * @param labels - [B, N] integer labels, N ≥ 1; the unpadded ones in [0, K).
 * @param labelPaddings - [B, N], 1 for a padded label (right-padded).
 * @param options - {@link CtcLossOptions} (blankId 0, logEpsilon −1e5).
 * @returns `[loss, logalphaBlank, logalphaNonblank]`: shapes [B], [T, B, N + 1] and [T, B, N].
 * @throws ShapeError for inconsistent shapes, T = 0 or N = 0, or an unpadded label out of range.
 * @example
 * import { ctcLossWithForwardProbs, tensor } from 'descent-ts'
 * // One frame, label [1], logits [0, 0]: p(∅) = p(1) = 1/2.
 * const [loss, blank, label] = ctcLossWithForwardProbs(tensor([[[0, 0]]], 'float64'), [[0]], [[1]], [[0]])
 * assert.ok(Math.abs(loss.dataSync()[0]! - Math.log(2)) < 1e-12)
 * assert.deepStrictEqual(blank.shape, [1, 1, 2])
 * assert.ok(Math.abs(label.dataSync()[0]! - Math.log(0.5)) < 1e-12) // α_LABEL(1, 0) = log p₁(1)
 * @see ctcLoss
 * @category losses
 * @since 0.1.0
 */
export function ctcLossWithForwardProbs(
  logits: TensorLike,
  logitPaddings: TensorLike | ArrayLike<ArrayLike<number>>,
  labels: TensorLike | ArrayLike<ArrayLike<number>>,
  labelPaddings: TensorLike | ArrayLike<ArrayLike<number>>,
  options: CtcLossOptions = {},
): readonly [loss: Tensor, logalphaBlank: Tensor, logalphaNonblank: Tensor] {
  const owner = 'ctcLossWithForwardProbs'
  const z = asTensor(logits)
  if (z.shape.length !== 3) throw new ShapeError(`${owner}: logits must have shape [B, T, K]; got [${z.shape}].`)
  const [B, T, K] = z.shape as [number, number, number]
  if (T === 0) throw new ShapeError(`${owner}: logits need at least one frame (T ≥ 1); got shape [${z.shape}].`)
  const blank = options.blankId ?? 0
  const eps = options.logEpsilon ?? -1e5
  if (!Number.isInteger(blank) || blank < 0 || blank >= K) {
    throw new ShapeError(`${owner}: blankId must be a class id in [0, ${K}); got ${blank}.`)
  }
  const y = idsOf(owner, 'labels', labels, B, undefined)
  const N = y[0]?.length ?? 0
  if (N === 0) throw new ShapeError(`${owner}: labels need at least one column (N ≥ 1); pad empty sequences.`)
  const labelPad = idsOf(owner, 'labelPaddings', labelPaddings, B, N)
  const framePad = idsOf(owner, 'logitPaddings', logitPaddings, B, T)
  const lengths = labelPad.map((row) => N - row.reduce((a, v) => a + v, 0))
  y.forEach((row, b) =>
    row.forEach((id, n) => {
      if (n < lengths[b]! && !(Number.isInteger(id) && id >= 0 && id < K)) {
        throw new ShapeError(`${owner}: labels[${b}, ${n}] = ${id} must be a class id in [0, ${K}).`)
      }
    }),
  )
  const dt = z.dtype
  const logp = logSoftmax(z, -1) // [B, T, K]
  // repeat[b, n] = 1 when y[b, n] = y[b, n + 1] (0 in the last column)
  const repeat = y.map((row) => row.map((v, n) => (n + 1 < N && v === row[n + 1] ? 1 : 0)))
  const epsRepeat = tensor(
    repeat.map((r) => r.map((v) => eps * v)),
    dt,
  )
  const epsNotRepeat = tensor(
    repeat.map((r) => r.map((v) => eps * (1 - v))),
    dt,
  )
  const logpPhi = transpose(take(logp, [blank], 2), [1, 0, 2]) // [T, B, 1]
  const oneHotT = tensor(
    y.map((row) => Array.from({ length: K }, (_, k) => row.map((id) => (id === k ? 1 : 0)))),
    dt,
  ) // [B, K, N]
  const logpEmit = transpose(matmul(logp, oneHotT), [1, 0, 2]) // [T, B, N]

  let phi = tensor(
    y.map(() => Array.from({ length: N + 1 }, (_, n) => (n === 0 ? 0 : eps))),
    dt,
  )
  let emit = tensor(
    y.map(() => Array.from({ length: N }, () => eps)),
    dt,
  )
  const phis: Tensor[] = []
  const emits: Tensor[] = []
  for (let t = 0; t < T; t++) {
    const lpEmit = reshape(slice(logpEmit, [t, 0, 0], [1, B, N]), [B, N])
    const lpPhi = reshape(slice(logpPhi, [t, 0, 0], [1, B, 1]), [B, 1])
    const pad = tensor(
      framePad.map((row) => [row[t] !== 0 ? 1 : 0]),
      dt,
    )
    const keep = add(mul(pad, -1), 1)
    const prevPhi = updatePhi(phi, add(emit, epsRepeat)) // emit → blank ε-transition, unless the next label repeats
    const nextEmit = logaddexp(add(slice(prevPhi, [0, 0], [B, N]), lpEmit), add(emit, lpEmit))
    const nextPhi = updatePhi(add(prevPhi, lpPhi), add(add(emit, lpPhi), epsNotRepeat))
    emit = add(mul(pad, emit), mul(keep, nextEmit))
    phi = add(mul(pad, phi), mul(keep, nextPhi))
    phis.push(phi)
    emits.push(emit)
  }
  const phiLast = updatePhi(phis[T - 1]!, emits[T - 1]!)
  phis[T - 1] = phiLast
  const atLength = tensor(
    lengths.map((len) => Array.from({ length: N + 1 }, (_, n) => (n === len ? 1 : 0))),
    dt,
  )
  const loss = neg(sum(mul(phiLast, atLength), 1))
  return [loss, stack(phis), stack(emits)]
}
