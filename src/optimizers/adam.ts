import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { type ScaleByAdamOptions, type ScaleByAdamState, scaleByAdam } from '../transforms/scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link adam} and {@link nadam}: those of {@link scaleByAdam}.
 * @category optimizers
 * @since 0.1.0
 */
export type AdamOptions = ScaleByAdamOptions

/**
 * State of {@link adam} and {@link nadam}: the Adam moments, then the learning-rate state.
 * @category optimizers
 * @since 0.1.0
 */
export type AdamState = readonly [ScaleByAdamState, ScaleByLearningRateState]

/**
 * The Adam optimizer: gradient descent with per-coordinate steps from bias-corrected moment estimates.
 *
 * `chain(scaleByAdam(options), scaleByLearningRate(learningRate))`, as optax's `adam`. The first update (count 0) moves
 * every coordinate by about α in the direction −sign(g). With `nesterov: true` it is {@link nadam}.
 *
 * ```text
 * t = count + 1,   α_t = learningRate, or learningRate(count) for a schedule
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t                v_t = β₂·v_{t−1} + (1−β₂)·g_t²         m_0 = v_0 = 0
 * m̂_t = m_t/(1−β₁ᵗ)                            (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * v̂_t = v_t/(1−β₂ᵗ)
 * u_t = −α_t · m̂_t / (√(v̂_t + ε̄) + ε)          ε̄ = epsRoot
 * θ_{t+1} = θ_t + u_t
 * ```
 *
 * References: Kingma & Ba 2014, "Adam: A Method for Stochastic Optimization", https://arxiv.org/abs/1412.6980
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdamOptions} (b1 0.9, b2 0.999, eps 1e-8, epsRoot 0, nesterov false).
 * @returns A {@link GradientTransformation} whose state is an {@link AdamState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range, e.g. `b1 = 1.2`.
 * @example
 * import { adam, applyUpdates, tensor, tree } from 'descent-ts'
 * const opt = adam(0.1)
 * const loss = (x: ReturnType<typeof tensor>) => tree.sum(tree.mul(x, x)) // Σx², gradient 2x
 * let params = tensor([1, -2, 3])
 * let state = opt.init(params)
 * for (let i = 0; i < 10; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params)
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(loss(params) < loss(tensor([1, -2, 3])))
 * assert.strictEqual(state[0].count, 10)
 * @see scaleByAdam, nadam, adamw, amsgrad
 * @category optimizers
 * @since 0.1.0
 */
export function adam(learningRate: ScalarOrSchedule, options: AdamOptions = {}): GradientTransformation<AdamState> {
  return chain(scaleByAdam(options), scaleByLearningRate(learningRate))
}

/**
 * NAdam: {@link adam} with Nesterov momentum, `adam(learningRate, { ...options, nesterov: true })` (optax's
 * `nadam = partial(adam, nesterov=True)`).
 *
 * ```text
 * m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ)      (the rest as in adam)
 * u_t = −α_t · m̂_t / (√(v̂_t + ε̄) + ε)
 * ```
 *
 * References: Dozat 2016, "Incorporating Nesterov Momentum into Adam",
 * https://openreview.net/pdf?id=OM0jvwB8jIp57ZJjtNEZ
 *
 * @param learningRate - A positive number, or a {@link Schedule} of the step count.
 * @param options - {@link AdamOptions}; `nesterov` is always set to true.
 * @returns A {@link GradientTransformation} whose state is an {@link AdamState}.
 * @example
 * import { adam, nadam, tensor } from 'descent-ts'
 * const g = { w: tensor([0.5, -1]) }
 * const a = nadam(0.1).update(g, nadam(0.1).init(g))[0]
 * const b = adam(0.1, { nesterov: true }).update(g, adam(0.1).init(g))[0]
 * assert.deepStrictEqual(a.w.toArray(), b.w.toArray())
 * @see adam, nadamw, scaleByAdam
 * @category optimizers
 * @since 0.1.0
 */
export const nadam = (learningRate: ScalarOrSchedule, options: AdamOptions = {}): GradientTransformation<AdamState> =>
  adam(learningRate, { ...options, nesterov: true })

withHyperparamDefaults(adam, 1, { ...hyperparamDefaultsOf(scaleByAdam).values })
withHyperparamDefaults(nadam, 1, hyperparamDefaultsOf(adam).values)
