import { ShapeError } from '../../core/errors'
import { full, tensor, type Tensor } from '../../core/tensor'
import { add, neg } from '../ops/arithmetic'
import { logSoftmax } from '../ops/activations'
import { logsumexp } from '../ops/reduce'
import { concat, reshape, slice, stack, take } from '../ops/shape'
import { type TensorLike, asTensor } from '../tensorLike'
import { integerIds } from './_internal'

/**
 * Options of {@link ctcLoss}.
 * @category losses
 * @since 0.1.0
 */
export interface CtcLossOptions {
  /** The class id of the blank symbol. @defaultValue 0 */
  readonly blankId?: number
  /** The finite stand-in for log 0, so that impossible paths keep finite values and gradients. @defaultValue -1e5 */
  readonly logEpsilon?: number
}

/** 0/1 paddings of shape [B, n] as booleans (true: padded). */
function paddingMask(owner: string, name: string, p: TensorLike | ArrayLike<number>, b: number, n: number) {
  const { ids, shape } = integerIds(p as TensorLike)
  if (shape.length !== 2 || shape[0] !== b || shape[1] !== n) {
    throw new ShapeError(`${owner}: ${name} must have shape [${b}, ${n}]; got [${shape.join(', ')}].`)
  }
  return ids.map((v) => v !== 0)
}

/**
 * Connectionist temporal classification loss, per sequence (optax's `ctc_loss`).
 *
 * The negative log-probability of the label sequence y under per-frame class distributions softmax(logits[b, t]),
 * summed over every alignment π (one class per unpadded frame, blank included) that collapses to y once repeats are
 * merged and blanks removed. Computed by the forward (α) recursion over the blank-extended labels
 * l′ = (∅, y₁, ∅, y₂, …, ∅) in log space, with `logEpsilon` for log 0 as optax. Padded frames (logitPaddings = 1) are
 * skipped; labels must be right-padded (labelPaddings = 0…0 1…1).
 *
 * ```text
 * p(y | x) = Σ_{π : B(π) = y} Π_t softmax(logits_t)[π_t]            loss = −log p(y | x)
 * α_t(s) = log p_t(l′_s) + logsumexp(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l′_s ≠ ∅ and l′_s ≠ l′_{s−2})
 * loss = −logsumexp(α_T(|l′|), α_T(|l′| − 1))
 * ```
 *
 * Reference: Graves et al. 2006, "Connectionist temporal classification", https://doi.org/10.1145/1143844.1143891
 *
 * @param logits - [B, T, K] logits (class `blankId` is the blank).
 * @param logitPaddings - [B, T], 1 for a padded frame.
 * @param labels - [B, N] integer labels in [0, K), never `blankId` where not padded.
 * @param labelPaddings - [B, N], 1 for a padded label (right-padded).
 * @returns The [B] losses.
 * @throws ShapeError for inconsistent shapes or a label out of range.
 * @example
 * import { ctcLoss, tensor } from 'descent-ts'
 * // One frame, label [1]: the only alignment is (1), probability softmax([0, 0])₁ = 1/2.
 * const loss = ctcLoss(tensor([[[0, 0]]], 'float64'), [[0]], [[1]], [[0]])
 * assert.ok(Math.abs((loss.toArray() as number[])[0]! - Math.log(2)) < 1e-12)
 * @category losses
 * @since 0.1.0
 */
export function ctcLoss(
  logits: TensorLike,
  logitPaddings: TensorLike | ArrayLike<ArrayLike<number>>,
  labels: TensorLike | ArrayLike<ArrayLike<number>>,
  labelPaddings: TensorLike | ArrayLike<ArrayLike<number>>,
  options: CtcLossOptions = {},
): Tensor {
  const owner = 'ctcLoss'
  const z = asTensor(logits)
  if (z.shape.length !== 3) throw new ShapeError(`${owner}: logits must have shape [B, T, K]; got [${z.shape}].`)
  const [B, T, K] = z.shape as [number, number, number]
  const blank = options.blankId ?? 0
  const eps = options.logEpsilon ?? -1e5
  if (!Number.isInteger(blank) || blank < 0 || blank >= K) {
    throw new ShapeError(`${owner}: blankId must be a class id in [0, ${K}); got ${blank}.`)
  }
  const asTree = (x: unknown) => (Array.isArray(x) ? tensor(x as number[][], 'float64') : (x as TensorLike))
  const labs = integerIds(asTree(labels))
  if (labs.shape.length !== 2 || labs.shape[0] !== B) {
    throw new ShapeError(`${owner}: labels must have shape [${B}, N]; got [${labs.shape.join(', ')}].`)
  }
  const N = labs.shape[1]!
  const framePad = paddingMask(owner, 'logitPaddings', asTree(logitPaddings), B, T)
  const labelPad = paddingMask(owner, 'labelPaddings', asTree(labelPaddings), B, N)
  const logp = logSoftmax(z, -1)
  const losses: Tensor[] = []
  for (let b = 0; b < B; b++) {
    const y: number[] = []
    for (let n = 0; n < N; n++) {
      if (labelPad[b * N + n]) continue
      const id = labs.ids[b * N + n]!
      if (!Number.isInteger(id) || id < 0 || id >= K || id === blank) {
        throw new ShapeError(`${owner}: labels[${b}, ${n}] = ${id} must be a class id in [0, ${K}) other than blank.`)
      }
      y.push(id)
    }
    const ext = [blank, ...y.flatMap((c) => [c, blank])]
    const S = ext.length
    // The skip s − 2 → s is allowed into a label that differs from the label two places back.
    const skip = ext.map((c, s) => s >= 2 && c !== blank && c !== ext[s - 2])
    const seq = reshape(slice(logp, [b, 0, 0], [1, T, K]), [T, K])
    const emit = take(seq, ext, 1) // [T, S]
    const init = Array.from({ length: S }, (_, s) => (s === 0 ? 0 : eps))
    let alpha = tensor(init, [S], z.dtype)
    const pad1 = full([1], eps, z.dtype)
    const skipMask = tensor(
      skip.map((ok) => (ok ? 0 : eps)),
      [S],
      z.dtype,
    )
    for (let t = 0; t < T; t++) {
      if (framePad[b * T + t]) continue
      const prev1 = S > 1 ? concat([pad1, slice(alpha, [0], [S - 1])]) : full([S], eps, z.dtype)
      const prev2 =
        S > 2 ? add(concat([pad1, pad1, slice(alpha, [0], [S - 2])]), skipMask) : full([S], 2 * eps, z.dtype)
      const row = reshape(slice(emit, [t, 0], [1, S]), [S])
      alpha = add(logsumexp(stack([alpha, prev1, prev2]), 0), row)
    }
    const last = S > 1 ? slice(alpha, [S - 2], [2]) : alpha
    losses.push(neg(logsumexp(last)))
  }
  return stack(losses)
}
