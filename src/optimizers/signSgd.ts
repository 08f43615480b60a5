import type { EmptyState } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { scaleBySign } from '../transforms/scaleBySign'

/**
 * State of {@link signSgd}: the (empty) sign state, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type SignSgdState = readonly [EmptyState, ScaleByLearningRateState]

/**
 * signSGD: gradient descent on the signs of the gradient's coordinates.
 *
 * `chain(scaleBySign(), scaleByLearningRate(learningRate))`, as optax's `sign_sgd`. Every coordinate moves by
 * exactly ±α (0 where the gradient is 0), so it does not settle at a minimum with a constant learning rate: use a
 * decaying schedule to converge (optax skips its Rosenbrock test for this reason).
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule
 * u_t = −α_t · sign(g_t)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Bernstein et al. 2018, "signSGD: Compressed Optimisation for Non-Convex Problems",
 * https://arxiv.org/abs/1802.04434; Balles et al. 2020, "The Geometry of Sign Gradient Descent",
 * https://arxiv.org/abs/2002.08056
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @returns A {@link GradientTransformation} whose state is a {@link SignSgdState}.
 * @throws HyperparameterError (a `RangeError`) when the learning rate is not a number or a function.
 * @example
 * import { signSgd } from 'descent-ts'
 * const opt = signSgd(0.5)
 * const [u] = opt.update([3, -1e-9, 0], opt.init([0, 0, 0]))
 * assert.deepStrictEqual(u, [-0.5, 0.5, -0])
 * @see scaleBySign, signum, lion
 * @category optimizers
 * @since 0.1.0
 */
export function signSgd(learningRate: ScalarOrSchedule): GradientTransformation<SignSgdState> {
  return chain(scaleBySign(), scaleByLearningRate(learningRate))
}
