import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByYogiOptions, type ScaleByYogiState, scaleByYogi } from '../transforms/scaleByYogi'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link yogi}: those of {@link scaleByYogi} (optax's `yogi` exposes only b1, b2 and eps; the others
 * keep scaleByYogi's defaults).
 * @category optimizers
 * @since 0.1.0
 */
export type YogiOptions = ScaleByYogiOptions

/**
 * State of {@link yogi}: the Yogi moments, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type YogiState = readonly [ScaleByYogiState, ScaleByLearningRateState]

/**
 * Yogi: Adam whose second moment moves additively towards g², so the effective learning rate cannot explode.
 *
 * `chain(scaleByYogi(options), scaleByLearningRate(learningRate))`, as optax's `yogi`. Both moments start at 1e-6,
 * and ε defaults to 1e-3 (the paper's recommendation), much larger than Adam's.
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule;   m_0 = v_0 = 1e-6
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t
 * v_t = v_{t−1} − (1−β₂)·sign(v_{t−1} − g_t²)·g_t²
 * u_t = −α_t · (m_t/(1−β₁ᵗ)) / (√(v_t/(1−β₂ᵗ) + ε̄) + ε)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Zaheer et al. 2018, "Adaptive Methods for Nonconvex Optimization",
 * https://proceedings.neurips.cc/paper/2018/file/90365351ccc7437a1309dc64e4db32a3-Paper.pdf
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link YogiOptions} (b1 0.9, b2 0.999, eps 1e-3, epsRoot 0, initialAccumulatorValue 1e-6).
 * @returns A {@link GradientTransformation} whose state is a {@link YogiState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { applyUpdates, tensor, tree, yogi } from 'descent-ts'
 * const opt = yogi(0.1)
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * @see scaleByYogi, adam
 * @category optimizers
 * @since 0.1.0
 */
export function yogi(learningRate: ScalarOrSchedule, options: YogiOptions = {}): GradientTransformation<YogiState> {
  return chain(scaleByYogi(options), scaleByLearningRate(learningRate))
}

withHyperparamDefaults(yogi, 1, hyperparamDefaultsOf(scaleByYogi).values)
