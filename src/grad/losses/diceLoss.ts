import { ShapeError } from '../../core/errors'
import { checkInRange } from '../../core/hyperparams'
import { type Tensor, arrayTypeOf, fromStorage } from '../../core/tensor'
import { add, div, mul, sub } from '../ops/arithmetic'
import { softmax } from '../ops/activations'
import { mean, sum } from '../ops/reduce'
import { expandDims, slice } from '../ops/shape'
import { sigmoid } from '../ops/unary'
import { concrete } from '../trace'
import { type TensorLike, asTensor, sameShape, shapeStr } from '../tensorLike'

/**
 * Options of {@link diceLoss}.
 * @category losses
 * @since 0.2.0
 */
export interface DiceLossOptions {
  /** Per-class weights, a rank-1 tensor of length C. @defaultValue none */
  readonly classWeights?: TensorLike
  /** Smoothing s added to numerator and denominator. @defaultValue 1 */
  readonly smooth?: number
  /** Tversky weight α of the false positives (α = β = ½ is Dice). @defaultValue 0.5 */
  readonly alpha?: number
  /** Tversky weight β of the false negatives. @defaultValue 0.5 */
  readonly beta?: number
  /** Whether predictions are logits (softmax over classes, sigmoid for one class). @defaultValue true */
  readonly applySoftmax?: boolean
  /** Reduction over the class axis: `'mean'`, `'sum'` or `'none'`. @defaultValue 'mean' */
  readonly reduction?: 'mean' | 'sum' | 'none'
  /** Leave class 0 out (when there are several classes). @defaultValue false */
  readonly ignoreBackground?: boolean
  /** The axes summed over; by default the spatial ones, every axis but the first (batch) and last (classes). */
  readonly axis?: number | readonly number[]
}

/**
 * Dice / Tversky loss for segmentation (optax.dice_loss; Milletari et al. 2016, Salehi et al. 2017). Predictions and
 * targets are `[batch, ..., classes]` (a target without the class axis gets one); the overlap is summed over the
 * spatial axes.
 * ```text
 * I = Σ p·t,  P = Σ p,  T = Σ t        D = (I + s) / (I + α·(P − I) + β·(T − I) + s)        ℓ = 1 − D (per class)
 * ```
 * @returns per batch element the reduced loss (`'mean'`, `'sum'`), or `[batch, classes]` (`'none'`).
 * @throws ShapeError when the shapes differ; HyperparameterError for a negative smoothing or weight.
 * @example
 * import { diceLoss, tensor } from 'descent-ts'
 * // probabilities equal to the targets, no smoothing: perfect overlap
 * const p = tensor([[[1, 0], [0, 1]]], 'float64')
 * assert.deepStrictEqual(diceLoss(p, p, { applySoftmax: false, smooth: 0 }).toArray(), [0])
 * @see binaryDiceLoss, multiclassGeneralizedDiceLoss
 * @category losses
 * @since 0.2.0
 */
export function diceLoss(predictions: TensorLike, targets: TensorLike, options: DiceLossOptions = {}): Tensor {
  const owner = 'diceLoss'
  const smooth = checkInRange(owner, 'options.smooth', options.smooth ?? 1, '[0, Infinity)')
  const alpha = checkInRange(owner, 'options.alpha', options.alpha ?? 0.5, '[0, Infinity)')
  const beta = checkInRange(owner, 'options.beta', options.beta ?? 0.5, '[0, Infinity)')
  const { applySoftmax = true, reduction = 'mean', ignoreBackground = false } = options
  let p = asTensor(predictions)
  let t = asTensor(targets)
  if (p.shape.length === t.shape.length - 1) p = expandDims(p, -1)
  if (t.shape.length === p.shape.length - 1) t = expandDims(t, -1)
  if (!sameShape(p.shape, t.shape)) {
    throw new ShapeError(`${owner}: predictions shape ${shapeStr(p.shape)} vs targets ${shapeStr(t.shape)}.`)
  }
  const rank = p.shape.length
  const c = p.shape[rank - 1]!
  // One class holds probabilities of the positive class, which need not sum to 1 (optax checks them too).
  if (!applySoftmax && c > 1) {
    const sums = concrete(sum(p, -1)).data
    if (sums.some((v) => Math.abs(v - 1) > 1e-5)) {
      throw new ShapeError(
        `${owner}: with applySoftmax: false the predictions must be probabilities summing to 1 over the class axis. ` +
          'Pass logits with applySoftmax: true instead.',
      )
    }
  }
  const probs = applySoftmax ? (c === 1 ? sigmoid(p) : softmax(p, -1)) : p
  const axis = options.axis ?? Array.from({ length: Math.max(rank - 2, 0) }, (_, i) => i + 1)
  const inter = sum(mul(probs, t), axis)
  const predSum = sum(probs, axis)
  const targetSum = sum(t, axis)
  const denominator = add(add(add(inter, mul(sub(predSum, inter), alpha)), mul(sub(targetSum, inter), beta)), smooth)
  let loss = sub(1, div(add(inter, smooth), denominator))
  if (options.classWeights !== undefined) loss = mul(loss, options.classWeights)
  if (ignoreBackground && c > 1) {
    const starts = loss.shape.map((_, i) => (i === loss.shape.length - 1 ? 1 : 0))
    loss = slice(
      loss,
      starts,
      loss.shape.map((d, i) => (i === loss.shape.length - 1 ? d - 1 : d)),
    )
  }
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss, -1) : mean(loss, -1)
}

/**
 * Generalized Dice loss for several classes (optax.multiclass_generalized_dice_loss; Sudre et al. 2017): Dice per
 * class, weighted by the inverse squared class frequency (normalised to sum to C), averaged.
 * ```text
 * w_c ∝ 1/(f_c² + 10⁻⁷),  f_c = Σ t_{…,c},  Σ w = C        ℓ = mean(w_c·(1 − D_c))
 * ```
 * @returns a 0-d tensor.
 * @example
 * import { multiclassGeneralizedDiceLoss, tensor } from 'descent-ts'
 * const t = tensor([[[1, 0], [0, 1]]], 'float64')
 * assert.strictEqual(multiclassGeneralizedDiceLoss(t, t, { applySoftmax: false, smooth: 0 }).item(), 0)
 * @see diceLoss
 * @category losses
 * @since 0.2.0
 */
export function multiclassGeneralizedDiceLoss(
  predictions: TensorLike,
  targets: TensorLike,
  options: Pick<DiceLossOptions, 'smooth' | 'applySoftmax' | 'ignoreBackground'> = {},
): Tensor {
  const t = asTensor(targets)
  const rank = t.shape.length
  const freq = concrete(
    sum(
      t,
      Array.from({ length: rank - 1 }, (_, i) => i),
    ),
  ).data
  const raw = Array.from(freq, (f) => 1 / (f * f + 1e-7))
  const total = raw.reduce((x, y) => x + y, 0)
  const classWeights = fromStorage(arrayTypeOf(t.dtype).from(raw.map((w) => (w / total) * raw.length)), [raw.length])
  return mean(diceLoss(predictions, t, { ...options, classWeights, reduction: 'none' }))
}

/**
 * Dice loss for binary segmentation (optax.binary_dice_loss): {@link diceLoss} with one class, the sigmoid of the
 * logits (unless `applySigmoid` is false) and the mean over the batch.
 * ```text
 * p = σ(x)        ℓ = 1 − (Σ p·t + s)/(½·Σ p + ½·Σ t + s)
 * ```
 * @returns a tensor with one loss per batch element.
 * @example
 * import { binaryDiceLoss, tensor } from 'descent-ts'
 * const t = tensor([[1, 0, 1]], 'float64')
 * assert.deepStrictEqual(binaryDiceLoss(t, t, { applySigmoid: false, smooth: 0 }).toArray(), [0])
 * @see diceLoss
 * @category losses
 * @since 0.2.0
 */
export function binaryDiceLoss(
  predictions: TensorLike,
  targets: TensorLike,
  options: { readonly smooth?: number; readonly applySigmoid?: boolean } = {},
): Tensor {
  let p = asTensor(predictions)
  let t = asTensor(targets)
  if (p.shape.length === t.shape.length && p.shape[p.shape.length - 1] !== 1) {
    p = expandDims(p, -1)
    t = expandDims(t, -1)
  }
  const smooth = options.smooth ?? 1
  return diceLoss(p, t, { smooth, applySoftmax: options.applySigmoid ?? true, reduction: 'mean' })
}
