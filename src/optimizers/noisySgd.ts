import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type AddNoiseState, addNoise } from '../transforms/addNoise'
import type { PRNGKey } from '../core/prng'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link noisySgd}.
 * @category optimizers
 * @since 0.1.0
 */
export interface NoisySgdOptions {
  /**
   * Base variance η of the gradient noise; ≥ 0.
   * @defaultValue 0.01
   */
  readonly eta?: number
  /**
   * Decay exponent γ of the noise variance η/tᵞ; ≥ 0.
   * @defaultValue 0.55
   */
  readonly gamma?: number
  /**
   * The random key or an integer seed.
   * @defaultValue 0
   */
  readonly key?: PRNGKey | number | undefined
}

/**
 * State of {@link noisySgd}: the noise state (count and key), then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type NoisySgdState = readonly [AddNoiseState, ScaleByLearningRateState]

/**
 * Noisy SGD: gradient descent on gradients with added, annealed Gaussian noise (Neelakantan et al.).
 *
 * `chain(addNoise({ eta, gamma, key }), scaleByLearningRate(learningRate))`, as optax's `noisy_sgd`. The noise
 * variance decays as η/tᵞ; the key lives in the state, so runs are reproducible. The noise values differ from JAX's
 * (another generator) but have the same distribution.
 *
 * ```text
 * t = count + 1,   σ_t = √(η / tᵞ)
 * u_t = −α_t · (g_t + σ_t·ξ_t),   ξ_t ~ N(0, I) from the split key
 * ```
 *
 * References: Neelakantan et al. 2015, Adding Gradient Noise Improves Learning for Very Deep Networks,
 * https://arxiv.org/abs/1511.06807
 *
 * @param learningRate - A number or a {@link Schedule} of the step count.
 * @param options - {@link NoisySgdOptions} (eta 0.01, gamma 0.55, key 0).
 * @returns A {@link GradientTransformation} whose state is a {@link NoisySgdState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { applyUpdates, noisySgd, tensor, tree } from 'descent-ts'
 * const opt = noisySgd(0.1, { eta: 1e-4, key: 7 })
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 50; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params) // gradient of Σx²
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(tree.norm(params) < 0.05)
 * @see addNoise, sgd
 * @category optimizers
 * @since 0.1.0
 */
export function noisySgd(
  learningRate: ScalarOrSchedule,
  options: NoisySgdOptions = {},
): GradientTransformation<NoisySgdState> {
  return chain(
    addNoise({ eta: options.eta ?? 0.01, gamma: options.gamma ?? 0.55, key: options.key }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(noisySgd, 1, { eta: 0.01, gamma: 0.55 })
