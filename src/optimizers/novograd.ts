import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByNovogradOptions, type ScaleByNovogradState, scaleByNovograd } from '../transforms/scaleByNovograd'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link novograd}: those of {@link scaleByNovograd}, with the alias's own default ε.
 * @category optimizers
 * @since 0.1.0
 */
export interface NovogradOptions extends ScaleByNovogradOptions {
  /**
   * Added to the denominator outside the square root (the alias default differs from scaleByNovograd's 1e-8).
   * @defaultValue 1e-6
   */
  readonly eps?: number
}

/**
 * State of {@link novograd}: the NovoGrad momentum and per-leaf second moments, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type NovogradState = readonly [ScaleByNovogradState, ScaleByLearningRateState]

/**
 * NovoGrad: layer-wise normalised gradients with momentum and decoupled weight decay.
 *
 * `chain(scaleByNovograd({ ...options, eps: options.eps ?? 1e-6 }), scaleByLearningRate(learningRate))`, as optax's
 * `novograd` (whose ε default, 1e-6, differs from the transform's). Each leaf is one "layer" with one scalar second
 * moment. It needs the params: pass them to `update`.
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule;  λ = weightDecay;   per leaf:
 * ν_1 = ‖g_1‖²,                          ν_t = β₂·ν_{t−1} + (1−β₂)·‖g_t‖²          (t > 1)
 * m_1 = g_1/(√(ν_1 + ε̄) + ε) + λ·θ_1,   m_t = β₁·m_{t−1} + g_t/(√(ν_t + ε̄) + ε) + λ·θ_t
 * u_t = −α_t · m_t
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Ginsburg et al. 2019, "Stochastic Gradient Methods with Layer-wise Adaptive Moments for Training of
 * Deep Networks", https://arxiv.org/abs/1905.11286
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link NovogradOptions} (b1 0.9, b2 0.25, eps 1e-6, epsRoot 0, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link NovogradState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { novograd, tensor } from 'descent-ts'
 * const opt = novograd(0.1)
 * const params = { w: tensor([0, 0]) }
 * const [u] = opt.update({ w: tensor([6, 8]) }, opt.init(params), params)
 * // ‖g‖ = 10: u = −0.1·g/(10 + 1e-6)
 * u.w.dataSync().forEach((x, i) => assert.ok(Math.abs(x - [-0.06, -0.08][i]!) < 1e-7))
 * @see scaleByNovograd, adamw
 * @category optimizers
 * @since 0.1.0
 */
export function novograd(
  learningRate: ScalarOrSchedule,
  options: NovogradOptions = {},
): GradientTransformation<NovogradState> {
  return chain(scaleByNovograd({ ...options, eps: options.eps ?? 1e-6 }), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(novograd, 1, { ...hyperparamDefaultsOf(scaleByNovograd).values, eps: 1e-6 })
