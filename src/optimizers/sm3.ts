import { type EmptyState } from '../core/base'
import { chain } from '../core/chain'
import { checkInRange, checkMomentum } from '../core/hyperparams'
import type { GradientTransformation } from '../core/types'
import { scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleBySm3State, scaleBySm3 } from '../transforms/scaleBySm3'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link sm3}.
 * @category optimizers
 * @since 0.1.0
 */
export interface Sm3Options {
  /**
   * Decay of the moving average of the preconditioned updates (scaleBySm3's `b1`); in [0, 1].
   * @defaultValue 0.9
   */
  readonly momentum?: number
}

/**
 * State of {@link sm3}: SM3's accumulators and momentum, then the (empty) scale state.
 * @category optimizers
 * @since 0.1.0
 */
export type Sm3State = readonly [ScaleBySm3State, EmptyState]

/**
 * SM3 (Anil et al.): Adagrad-like steps with a memory-efficient, per-axis cover of the second moment.
 *
 * `chain(scaleBySm3({ b1: momentum }), scaleByLearningRate(learningRate))`, as optax's `sm3`. As in optax the learning rate must
 * be a number (no schedule): wrap it with `injectHyperparams` or chain `scaleBySchedule` yourself to vary it.
 *
 * ```text
 * rank ≥ 2:  a = g² + min_i μ_i[index_i]          μ_i ← max of a over all axes but i
 * rank < 2:  a = g² + μ₀                           μ₀ ← a
 * ν_t = β·ν_{t−1} + (1−β)·g/√(a + ε)    (0 where a = 0)
 * u_t = −α·ν_t
 * ```
 *
 * References: Anil et al. 2019, Memory-Efficient Adaptive Optimization, https://arxiv.org/abs/1901.11150
 *
 * @param learningRate - A finite number.
 * @param options - {@link Sm3Options} (momentum 0.9).
 * @returns A {@link GradientTransformation} whose state is an {@link Sm3State}.
 * @throws HyperparameterError (a `RangeError`) when the learning rate is not a finite number (a schedule included)
 * or the momentum is out of range.
 * @example
 * import { applyUpdates, sm3, tensor, tree } from 'descent-ts'
 * const opt = sm3(0.5)
 * let params = { w: tensor([[1, -2], [3, 0.5]]) }
 * let state = opt.init(params)
 * for (let i = 0; i < 50; i++) {
 *   const [updates, next] = opt.update(tree.scale(2, params), state, params) // gradient of Σθ²
 *   params = applyUpdates(params, updates)
 *   state = next
 * }
 * assert.ok(tree.norm(params) < 0.5 * Math.sqrt(14.25))
 * @see scaleBySm3, adagrad
 * @category optimizers
 * @since 0.1.0
 */
export function sm3(learningRate: number, options: Sm3Options = {}): GradientTransformation<Sm3State> {
  checkMomentum('sm3', options.momentum)
  const lr = checkInRange(
    'sm3',
    'learningRate (a number; schedules are not supported)',
    learningRate,
    '(-Infinity, Infinity)',
  )
  return chain(scaleBySm3({ b1: options.momentum ?? 0.9 }), scaleByLearningRate(lr))
}

withHyperparamDefaults(sm3, 1, { momentum: 0.9 })
