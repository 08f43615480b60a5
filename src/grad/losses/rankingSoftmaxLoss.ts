import { ShapeError } from '../../core/errors'
import type { Tensor } from '../../core/tensor'
import { arrayTypeOf, fromStorage } from '../../core/tensor'
import { div, mul, neg } from '../ops/arithmetic'
import { logSoftmax } from '../ops/activations'
import { where } from '../ops/compare'
import { sum } from '../ops/reduce'
import { concrete } from '../trace'
import { type TensorLike, asTensor, liftAll, sameShape, shapeStr } from '../tensorLike'

/**
 * Options of {@link rankingSoftmaxLoss}.
 * @category losses
 * @since 0.2.0
 */
export interface RankingSoftmaxLossOptions {
  /** Which items of each list take part (nonzero = yes), of the logits' shape. @defaultValue every item */
  readonly where?: TensorLike
  /** Per-item weights multiplying the labels. @defaultValue none */
  readonly weights?: TensorLike
  /**
   * How the per-list losses are reduced: `'mean'` over the lists with at least one item, `'sum'`, `'none'` (one loss
   * per list, 0 for an empty list), or a function of the per-list losses. @defaultValue 'mean'
   */
  readonly reduceFn?: 'mean' | 'sum' | 'none' | ((losses: Tensor) => Tensor)
}

/**
 * Ranking softmax loss (optax.losses.ranking_softmax_loss; ListNet, Cao et al. 2007): the cross-entropy between the
 * relevance labels and the softmax of the scores over each list (the last axis), with masked items left out.
 * ```text
 * ℓ(s, y) = −Σᵢ yᵢ·log softmax(s)ᵢ        (over the items in `where`, yᵢ multiplied by its weight)
 * ```
 * @returns a 0-d tensor (`'mean'`, `'sum'`), or one loss per list (`'none'`).
 * @example
 * import { rankingSoftmaxLoss, tensor } from 'descent-ts'
 * const s = tensor([[0, 0, 5]], 'float64')
 * const y = tensor([[1, 0, 0]], 'float64')
 * // the third item is masked out: softmax over two equal scores
 * assert.strictEqual(rankingSoftmaxLoss(s, y, { where: tensor([[1, 1, 0]]) }).item(), Math.LN2)
 * @see softmaxCrossEntropy
 * @category losses
 * @since 0.2.0
 */
export function rankingSoftmaxLoss(
  logits: TensorLike,
  labels: TensorLike,
  options: RankingSoftmaxLossOptions = {},
): Tensor {
  const [s0, y0] = liftAll(logits, labels) as [Tensor, Tensor]
  let s = asTensor(s0)
  let y = options.weights === undefined ? y0 : mul(y0, options.weights)
  let rows: Tensor | undefined
  if (options.where !== undefined) {
    const w = options.where
    // An empty list keeps finite logits (its labels are zeroed), so that no NaN reaches the value or the gradient.
    const mask = concrete(asTensor(w))
    if (!sameShape(mask.shape, s.shape)) {
      throw new ShapeError(
        `rankingSoftmaxLoss: options.where shape ${shapeStr(mask.shape)} must be the logits shape ${shapeStr(s.shape)}.`,
      )
    }
    const k = s.shape[s.shape.length - 1]!
    const n = s.size / Math.max(k, 1)
    const any = new (arrayTypeOf(s.dtype))(n)
    for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) if (mask.data[r * k + i]) any[r] = 1
    rows = fromStorage(any, s.shape.slice(0, -1))
    const rowsKeep = fromStorage(any, [...s.shape.slice(0, -1), 1])
    y = where(w, y, 0)
    s = where(w, s, where(rowsKeep, -Infinity, 0))
  }
  const ce = mul(y, logSoftmax(s, -1))
  const perList = neg(sum(options.where === undefined ? ce : where(options.where, ce, 0), -1))
  const reduce = options.reduceFn ?? 'mean'
  if (typeof reduce === 'function') return reduce(perList)
  if (reduce === 'none') return perList
  if (reduce === 'sum') return sum(perList)
  if (rows === undefined) return div(sum(perList), Math.max(perList.size, 1))
  const valid = Array.from(rows.data).reduce((a, b) => a + b, 0)
  return valid === 0 ? mul(sum(perList), 0) : div(sum(perList), valid)
}
