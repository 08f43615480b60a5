import { type EmptyState } from '../core/base'
import { chain } from '../core/chain'
import { checkScalarOrSchedule } from '../core/hyperparams'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { scaleByTrustRatio } from '../transforms/scaleByTrustRatio'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link fromage}.
 * @category optimizers
 * @since 0.1.0
 */
export interface FromageOptions {
  /**
   * Lower bound of the param and update norms in the trust ratio; ≥ 0.
   * @defaultValue 1e-6
   */
  readonly minNorm?: number
}

/**
 * State of {@link fromage}: the (empty) trust-ratio state, the learning-rate state, the weight-decay state.
 * @category optimizers
 * @since 0.1.0
 */
export type FromageState = readonly [EmptyState, ScaleByLearningRateState, AddDecayedWeightsState]

/**
 * Fromage: the Frobenius matched gradient descent of Bernstein et al., a per-layer relative step with a shrink.
 *
 * `chain(scaleByTrustRatio({ minNorm }), scaleByLearningRate(α·m), addDecayedWeights(m − 1))` with
 * m = 1/√(1 + α²), as optax's `fromage`. With a schedule, α and m are evaluated at each step's count. Each leaf moves
 * by α‖θ‖ in the gradient's direction, and the result is shrunk by m so the params' norm stays bounded. It needs the
 * params: pass them to `update`.
 *
 * ```text
 * m_t = 1/√(1 + α_t²)
 * u_t = −α_t·m_t · (‖θ_t‖/‖g_t‖)·g_t + (m_t − 1)·θ_t     per leaf (norms floored at minNorm)
 * θ_{t+1} = m_t · (θ_t − α_t·‖θ_t‖·g_t/‖g_t‖)
 * ```
 *
 * References: Bernstein et al. 2020, On the distance between two neural networks and the stability of learning,
 * https://arxiv.org/abs/2002.03432
 *
 * @param learningRate - A number or a {@link Schedule} of the step count.
 * @param options - {@link FromageOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link FromageState}.
 * @throws HyperparameterError (a `RangeError`) when the learning rate or `minNorm` is invalid.
 * @example
 * import { fromage, tensor } from 'descent-ts'
 * const opt = fromage(0.75) // m = 1/√(1 + 0.5625) = 0.8
 * const params = tensor([3, 4])
 * const [u] = opt.update(tensor([0, 10]), opt.init(params), params)
 * // trust ratio 5/10: −0.75·0.8·[0, 5] + (0.8 − 1)·[3, 4] = [−0.6, −3.8]
 * u.dataSync().forEach((x, i) => assert.ok(Math.abs(x - [-0.6, -3.8][i]!) < 1e-6))
 * @see scaleByTrustRatio, lars, lamb
 * @category optimizers
 * @since 0.1.0
 */
export function fromage(
  learningRate: ScalarOrSchedule,
  options: FromageOptions = {},
): GradientTransformation<FromageState> {
  const lr = checkScalarOrSchedule('fromage', 'learningRate', learningRate)
  const mult = (c: number) => 1 / Math.sqrt(1 + (typeof lr === 'number' ? lr : lr(c)) ** 2)
  return chain(
    scaleByTrustRatio({ minNorm: options.minNorm ?? 1e-6 }),
    typeof lr === 'number' ? scaleByLearningRate(lr * mult(0)) : scaleByLearningRate((c) => mult(c) * lr(c)),
    addDecayedWeights(typeof lr === 'number' ? mult(0) - 1 : (c: number) => mult(c) - 1),
  )
}

withHyperparamDefaults(fromage, 1, { minNorm: 1e-6 })
