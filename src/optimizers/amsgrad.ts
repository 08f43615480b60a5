import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByAmsgradOptions, type ScaleByAmsgradState, scaleByAmsgrad } from '../transforms/scaleByAmsgrad'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link amsgrad}: exactly those of {@link scaleByAmsgrad}.
 * @category optimizers
 * @since 0.1.0
 */
export type AmsgradOptions = ScaleByAmsgradOptions

/**
 * State of {@link amsgrad}: the AMSGrad moments and running maximum, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AmsgradState = readonly [ScaleByAmsgradState, ScaleByLearningRateState]

/**
 * AMSGrad: {@link adam} with a running maximum of the second moment, so the per-coordinate step never grows.
 *
 * `chain(scaleByAmsgrad(options), scaleByLearningRate(learningRate))`, as optax's `amsgrad`. As in optax, the maximum
 * is taken **after** bias correction; PyTorch's `Adam(amsgrad=True)` takes it before, so the first steps differ
 * (optax issue #1389).
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t                v_t = β₂·v_{t−1} + (1−β₂)·g_t²         m_0 = v_0 = 0
 * m̂_t = m_t/(1−β₁ᵗ)                            v̂_t = v_t/(1−β₂ᵗ)     (each only if biasCorrectionMu / Nu)
 * ν̂max_t = max(ν̂max_{t−1}, v̂_t)                ν̂max_0 = 0
 * u_t = −α_t · m̂_t / (√(ν̂max_t + ε̄) + ε)       ε̄ = epsRoot
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Reddi, Kale & Kumar 2018, "On the Convergence of Adam and Beyond", https://arxiv.org/abs/1904.09237
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AmsgradOptions} (b1 0.9, b2 0.999, eps 1e-8, epsRoot 0, both bias corrections on).
 * @returns A {@link GradientTransformation} whose state is an {@link AmsgradState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { amsgrad, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = amsgrad(0.1)
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * @see scaleByAmsgrad, adam
 * @category optimizers
 * @since 0.1.0
 */
export function amsgrad(
  learningRate: ScalarOrSchedule,
  options: AmsgradOptions = {},
): GradientTransformation<AmsgradState> {
  return chain(scaleByAmsgrad(options), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(amsgrad, 1, hyperparamDefaultsOf(scaleByAmsgrad).values)
