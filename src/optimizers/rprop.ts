import type { EmptyState } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation } from '../core/types'
import { scale } from '../transforms/scale'
import { type ScaleByRpropOptions, type ScaleByRpropState, scaleByRprop } from '../transforms/scaleByRprop'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link rprop}: those of {@link scaleByRprop} other than the initial step size.
 * @category optimizers
 * @since 0.1.0
 */
export type RpropOptions = Omit<ScaleByRpropOptions, 'learningRate'>

/**
 * State of {@link rprop}: the Rprop step sizes and previous steps, then the (empty) state of `scale(-1)`.
 * @category optimizers
 * @since 0.1.0
 */
export type RpropState = readonly [ScaleByRpropState, EmptyState]

/**
 * Rprop (resilient backpropagation): per-coordinate step sizes adapted from the gradient's sign alone.
 *
 * `chain(scaleByRprop(learningRate, options), scale(-1))`, as optax's `rprop`. The learning rate is the **initial
 * step size** of every coordinate (a number, not a schedule). As in optax the update lags one step: the first update
 * is 0, and each update is the step computed at the previous call (see {@link scaleByRprop}).
 *
 * ```text
 * s = g_t · p_{t−1}                 (p_0 = 0, η_0 = learningRate)
 * η_t = s > 0 ? clip(η_{t−1}·η⁺, min, max) : s < 0 ? clip(η_{t−1}·η⁻, min, max) : η_{t−1}
 * p_t = s < 0 ? 0 : η_t·sign(g_t)
 * u_t = −(s < 0 ? 0 : p_{t−1})
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Riedmiller & Braun 1993, "A direct adaptive method for faster backpropagation learning: the RPROP
 * algorithm", https://ieeexplore.ieee.org/document/298623; Igel & Hüsken 2003,
 * https://www.sciencedirect.com/science/article/abs/pii/S0925231201007007
 *
 * @param learningRate - The initial step size, a positive number.
 * @param options - {@link RpropOptions} (etaMinus 0.5, etaPlus 1.2, minStepSize 1e-6, maxStepSize 50).
 * @returns A {@link GradientTransformation} whose state is an {@link RpropState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { rprop } from 'descent-ts'
 * const opt = rprop(0.1)
 * const [u1, s1] = opt.update([2], opt.init([0]))
 * const [u2, s2] = opt.update([3], s1)
 * const [u3] = opt.update([1], s2)
 * assert.deepStrictEqual([u1, u2, u3], [[-0], [-0.1], [-0.12]]) // lagged, growing by 1.2 while the sign holds
 * @see scaleByRprop
 * @category optimizers
 * @since 0.1.0
 */
export function rprop(learningRate: number, options: RpropOptions = {}): GradientTransformation<RpropState> {
  return chain(scaleByRprop(learningRate, options), scale(-1))
}

withHyperparamDefaults(rprop, 1, hyperparamDefaultsOf(scaleByRprop).values)
