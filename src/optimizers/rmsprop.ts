import { type EmptyState, identity } from '../core/base'
import { chain } from '../core/chain'
import { checkBoolean, checkMomentum } from '../core/hyperparams'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByRmsOptions, type ScaleByRmsState, scaleByRms } from '../transforms/scaleByRms'
import { type ScaleByStddevOptions, type ScaleByStddevState, scaleByStddev } from '../transforms/scaleByStddev'
import { type TraceOptions, type TraceState, trace } from '../transforms/trace'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link rmsprop}: those of {@link scaleByRms} (and {@link scaleByStddev}, which has the same ones), plus
 * `centered` and the momentum of a {@link trace} applied after the learning rate.
 * @category optimizers
 * @since 0.1.0
 */
export interface RmspropOptions extends ScaleByRmsOptions, ScaleByStddevOptions, Pick<TraceOptions, 'nesterov'> {
  /**
   * Divide by the moving standard deviation of the gradients ({@link scaleByStddev}, Graves 2013) instead of their
   * moving root mean square ({@link scaleByRms}).
   * @defaultValue false
   */
  readonly centered?: boolean
  /**
   * Heavy-ball momentum coefficient (the `decay` of {@link trace}), applied **after** the learning rate. When absent
   * there is no momentum and no momentum state.
   * @defaultValue undefined (no momentum)
   */
  readonly momentum?: number
}

/**
 * State of {@link rmsprop}: the RMS (or centred) statistics, the learning-rate state, then the momentum trace (the
 * empty state without momentum).
 * @category optimizers
 * @since 0.1.0
 */
export type RmspropState = readonly [
  ScaleByRmsState | ScaleByStddevState,
  ScaleByLearningRateState,
  TraceState | EmptyState,
]

/**
 * RMSProp: per-coordinate steps divided by the root of a moving average of squared gradients, optionally centred and
 * with momentum.
 *
 * `chain(centered ? scaleByStddev(o) : scaleByRms(o), scaleByLearningRate(learningRate),
 * trace(momentum, { nesterov }))` (`identity()` in place of the trace without momentum), exactly as optax's
 * `rmsprop`. The momentum acts on the already-scaled step, as in Tieleman & Hinton's and TensorFlow's RMSProp.
 *
 * Differences from PyTorch's `RMSprop` (optax issue #532): PyTorch's default decay is `alpha = 0.99` (here 0.9), and
 * it puts ε outside the square root (`g/(√ν + ε)`, here `g/√(ν + ε)`: pass `epsInSqrt: false` to match); to reproduce
 * PyTorch use `rmsprop(lr, { decay: 0.99, epsInSqrt: false })`.
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule
 * ν_t = ρ·ν_{t−1} + (1−ρ)·g_t²                 ν_0 = initialScale,   ρ = decay
 * μ_t = ρ·μ_{t−1} + (1−ρ)·g_t                  μ_0 = 0               (centered only)
 * ν̂_t, μ̂_t = ν_t/(1−ρᵗ), μ_t/(1−ρᵗ) if biasCorrection, else ν_t, μ_t
 * s_t = g_t / √(ν̂_t + ε)                       (epsInSqrt false: g_t / (√ν̂_t + ε))
 *       g_t / √(ν̂_t − μ̂_t² + ε)               (centered; epsInSqrt false: g_t / (√(ν̂_t − μ̂_t²) + ε))
 * no momentum:   u_t = −α_t·s_t
 * momentum β:    tr_t = −α_t·s_t + β·tr_{t−1}   u_t = tr_t       (nesterov: u_t = −α_t·s_t + β·tr_t)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Tieleman & Hinton 2012, Lecture 6.5 of "Neural Networks for Machine Learning",
 * https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf; Graves 2013 (centred variant),
 * https://arxiv.org/abs/1308.0850
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link RmspropOptions} (decay 0.9, eps 1e-8, initialScale 0, epsInSqrt true, centered false, no
 * momentum, nesterov false, biasCorrection false).
 * @returns A {@link GradientTransformation} whose state is an {@link RmspropState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { applyUpdates, rmsprop, tensor, tree } from 'descent-ts'
 * const opt = rmsprop(0.05, { momentum: 0.5 })
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * @see scaleByRms, scaleByStddev, trace
 * @category optimizers
 * @since 0.1.0
 */
export function rmsprop(
  learningRate: ScalarOrSchedule,
  options: RmspropOptions = {},
): GradientTransformation<RmspropState> {
  checkMomentum('rmsprop', options.momentum)
  return chain(
    checkBoolean('rmsprop', 'options.centered', options.centered ?? false)
      ? scaleByStddev(options)
      : scaleByRms(options),
    scaleByLearningRate(learningRate),
    options.momentum === undefined ? identity() : trace(options.momentum, { nesterov: options.nesterov ?? false }),
  )
}

withHyperparamDefaults(rmsprop, 1, hyperparamDefaultsOf(scaleByRms).values)
