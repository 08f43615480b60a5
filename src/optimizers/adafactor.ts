import { type EmptyState } from '../core/base'
import { chain } from '../core/chain'
import { checkBoolean, checkMomentum } from '../core/hyperparams'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../transforms/addDecayedWeights'
import { clipByBlockRms } from '../transforms/clipByBlockRms'
import { type EmaState, ema } from '../transforms/ema'
import { scale } from '../transforms/scale'
import {
  type ScaleByFactoredRmsOptions,
  type ScaleByFactoredRmsState,
  scaleByFactoredRms,
} from '../transforms/scaleByFactoredRms'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { scaleByParamBlockRms } from '../transforms/scaleByParamBlockRms'
import type { DType } from '../core/tensor'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adafactor}, with optax's names (`decayOffset` is {@link scaleByFactoredRms}'s `stepOffset`,
 * `eps` its `epsilon`).
 * @category optimizers
 * @since 0.1.0
 */
export interface AdafactorOptions extends Pick<
  ScaleByFactoredRmsOptions,
  'factored' | 'decayRate' | 'minDimSizeToFactor'
> {
  /**
   * A leaf is factored only when its second-largest dimension is at least this.
   * @defaultValue 128
   */
  readonly minDimSizeToFactor?: number
  /**
   * Exponent of the second-moment decay schedule β_t = 1 − (t + 1)^(−decayRate).
   * @defaultValue 0.8
   */
  readonly decayRate?: number
  /**
   * Step at which the decay schedule restarts (for fine-tuning); an integer ≥ 0.
   * @defaultValue 0
   */
  readonly decayOffset?: number
  /**
   * Multiply the step by each param leaf's RMS (floored at 1e-3): Adafactor's relative step size.
   * @defaultValue true
   */
  readonly multiplyByParameterScale?: boolean
  /**
   * Clip each leaf of the normalised update to this RMS; `null` disables the clipping.
   * @defaultValue 1
   */
  readonly clippingThreshold?: number | null
  /**
   * Coefficient of an exponential moving average of the updates (not debiased); absent: no momentum.
   * @defaultValue undefined
   */
  readonly momentum?: number | undefined
  /**
   * The dtype of the momentum average (optax's `dtype_momentum`). optax defaults to float32 whatever the params;
   * descent keeps its rule that a state has the params' dtype, so pass `'float32'` for optax's behaviour with float64
   * params.
   * @defaultValue the dtype of each param
   */
  readonly dtypeMomentum?: DType | undefined
  /**
   * Decoupled weight-decay rate (a number or a schedule), added after the momentum; absent: none.
   * @defaultValue undefined
   */
  readonly weightDecayRate?: ScalarOrSchedule | undefined
  /**
   * Which params get weight decay.
   * @defaultValue undefined (all)
   */
  readonly weightDecayMask?: MaskOrFn | undefined
  /**
   * Added to the squared gradients.
   * @defaultValue 1e-30
   */
  readonly eps?: number
  /**
   * Use the factored second-moment estimate for leaves that qualify.
   * @defaultValue true
   */
  readonly factored?: boolean
}

/**
 * State of {@link adafactor}: the factored second moment first, then the states of the optional links present
 * (clipping, learning rate, parameter scale, momentum, weight decay) and of the final `scale(−1)`.
 * @category optimizers
 * @since 0.1.0
 */
export type AdafactorState = readonly [
  ScaleByFactoredRmsState,
  ...(EmptyState | ScaleByLearningRateState | EmaState | AddDecayedWeightsState)[],
  EmptyState,
]

/**
 * Adafactor (Shazeer & Stern): adaptive steps with a factored, sublinear-memory second moment.
 *
 * The chain of optax's `adafactor`: `scaleByFactoredRms`, then `clipByBlockRms(clippingThreshold)` unless it is
 * `null`, then `scaleByLearningRate(learningRate, { flipSign: false })` when a learning rate is given, then
 * `scaleByParamBlockRms()` when `multiplyByParameterScale`, then `ema(momentum, { debias: false })` when `momentum`
 * is set, then `addDecayedWeights(weightDecayRate, { mask: weightDecayMask })` when set, then `scale(−1)`. Without a
 * learning rate the steps are relative (Adafactor's default α = 1 times the param scale). It needs the params.
 *
 * ```text
 * β_t = 1 − (count − decayOffset + 1)^(−decayRate)
 * n_t = g_t / √V̂_t       V̂ the factored (rows·columns / mean row) or full EMA_β of g² + ε (see scaleByFactoredRms)
 * n_t ← n_t / max(1, rms(n_t)/clippingThreshold)                 per leaf
 * s_t = α_t · max(rms(θ_t), 10⁻³) · n_t                           per leaf
 * s_t ← m_t = β₁·m_{t−1} + (1−β₁)·s_t   (momentum β₁);    s_t ← s_t + λ_t·θ_t   (weight decay)
 * u_t = −s_t
 * ```
 *
 * References: Shazeer & Stern 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost,
 * https://arxiv.org/abs/1804.04235
 *
 * @param learningRate - A number, a {@link Schedule}, or `undefined` for no learning-rate link.
 * @param options - {@link AdafactorOptions}.
 * @returns A {@link GradientTransformation} whose state is an {@link AdafactorState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { adafactor, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = adafactor(0.1)
 * let params = { w: tensor([[1, -2], [3, 0.5]]) }
 * let state = opt.init(params)
 * for (let i = 0; i < 30; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params) // gradient of Σθ²
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(tree.norm(params) < 0.5 * Math.sqrt(14.25))
 * @see scaleByFactoredRms, clipByBlockRms, scaleByParamBlockRms, adam
 * @category optimizers
 * @since 0.1.0
 */
export function adafactor(
  learningRate?: ScalarOrSchedule | undefined,
  options: AdafactorOptions = {},
): GradientTransformation<AdafactorState> {
  checkMomentum('adafactor', options.momentum)
  checkBoolean('adafactor', 'options.multiplyByParameterScale', options.multiplyByParameterScale ?? true)
  const threshold = options.clippingThreshold === undefined ? 1 : options.clippingThreshold
  return chain(
    scaleByFactoredRms({
      factored: options.factored ?? true,
      decayRate: options.decayRate ?? 0.8,
      stepOffset: options.decayOffset ?? 0,
      minDimSizeToFactor: options.minDimSizeToFactor ?? 128,
      epsilon: options.eps ?? 1e-30,
    }),
    ...(threshold === null ? [] : [clipByBlockRms(threshold)]),
    ...(learningRate === undefined ? [] : [scaleByLearningRate(learningRate, { flipSign: false })]),
    ...((options.multiplyByParameterScale ?? true) ? [scaleByParamBlockRms()] : []),
    ...(options.momentum === undefined
      ? []
      : [ema(options.momentum, { debias: false, accumulatorDtype: options.dtypeMomentum })]),
    ...(options.weightDecayRate === undefined
      ? []
      : [addDecayedWeights({ weightDecay: options.weightDecayRate, mask: options.weightDecayMask })]),
    scale(-1),
  )
}

withHyperparamDefaults(adafactor, 1, { decayRate: 0.8, decayOffset: 0, eps: 1e-30, clippingThreshold: 1 })
