import type { EmptyState } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type EmaState, ema } from '../transforms/ema'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { scaleBySign } from '../transforms/scaleBySign'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import type { DType } from '../core/tensor'

/**
 * Options of {@link signum}.
 * @category optimizers
 * @since 0.1.0
 */
export interface SignumOptions {
  /**
   * Decay of the exponential moving average of the gradients whose sign is taken, in [0, 1].
   * @defaultValue 0.9
   */
  readonly beta?: number
  /** The dtype of the moving average (optax's `accumulator_dtype`). @defaultValue the dtype of each param */
  readonly accumulatorDtype?: DType | undefined
}

/**
 * State of {@link signum}: the moving average, the (empty) sign state, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type SignumState = readonly [EmaState, EmptyState, ScaleByLearningRateState]

/**
 * Signum: signSGD on an exponential moving average of the gradients (sign momentum).
 *
 * `chain(ema(beta, { debias: false }), scaleBySign(), scaleByLearningRate(learningRate))`, as optax's `signum`.
 * The average is not debiased, since only its sign is used. As with {@link signSgd}, each coordinate moves by ±α,
 * so a decaying schedule is needed to converge precisely.
 *
 * ```text
 * α_t = learningRate, or learningRate(count) for a schedule
 * m_t = β·m_{t−1} + (1−β)·g_t              m_0 = 0
 * u_t = −α_t · sign(m_t)
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Bernstein et al. 2018, "signSGD: Compressed Optimisation for Non-Convex Problems",
 * https://arxiv.org/abs/1802.04434; Zhao et al. 2024, "Deconstructing What Makes a Good Optimizer for Language
 * Models", https://arxiv.org/abs/2407.07972
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link SignumOptions} (beta 0.9).
 * @returns A {@link GradientTransformation} whose state is a {@link SignumState}.
 * @throws HyperparameterError (a `RangeError`) when `beta` is out of range.
 * @example
 * import { signum } from 'descent-ts'
 * const opt = signum(0.5)
 * const [u1, s1] = opt.update([2], opt.init([0]))
 * const [u2] = opt.update([-1], s1) // m = 0.9·0.2 − 0.1 = 0.08 > 0: still moving against the old gradient
 * assert.deepStrictEqual([u1, u2], [[-0.5], [-0.5]])
 * @see signSgd, scaleBySign, ema, lion
 * @category optimizers
 * @since 0.1.0
 */
export function signum(
  learningRate: ScalarOrSchedule,
  options: SignumOptions = {},
): GradientTransformation<SignumState> {
  return chain(
    ema(options.beta ?? 0.9, { debias: false, accumulatorDtype: options.accumulatorDtype }),
    scaleBySign(),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(signum, 1, { beta: 0.9 })
