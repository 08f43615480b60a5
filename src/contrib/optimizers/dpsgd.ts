import { chain } from '../../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../../core/types'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type TraceState, trace } from '../../transforms/trace'
import {
  type DifferentiallyPrivateAggregateOptions,
  type DifferentiallyPrivateAggregateState,
  differentiallyPrivateAggregate,
} from '../transforms/differentiallyPrivateAggregate'

/**
 * Options of {@link dpsgd}.
 * @category contrib
 * @since 0.1.0
 */
export interface DpsgdOptions extends DifferentiallyPrivateAggregateOptions {
  /** Momentum decay (absent: plain SGD). @defaultValue undefined */
  readonly momentum?: number
  /** Nesterov momentum. @defaultValue false */
  readonly nesterov?: boolean
}

/**
 * State of {@link dpsgd}.
 * @category contrib
 * @since 0.1.0
 */
export type DpsgdState = readonly [DifferentiallyPrivateAggregateState, TraceState, ScaleByLearningRateState]

/**
 * DP-SGD: SGD on per-example gradients clipped to ℓ₂ norm C, summed, noised with N(0, σ²C²) and averaged. Pass
 * per-example gradients (every leaf with the batch on axis 0) and an explicit random key; the updates have the
 * params' shapes.
 *
 * ```text
 * ĝ = (Σ_i g_i·min(1, C/‖g_i‖) + σ·C·N(0, I)) / B,   m ← μ·m + ĝ  (no momentum: m = ĝ),   u = −α·m
 * ```
 *
 * Chain: `chain(differentiallyPrivateAggregate({ l2NormClip, noiseMultiplier, key }), trace({ decay: momentum ?? 0,
 * nesterov }), scaleByLearningRate(learningRate))`.
 *
 * References: Abadi et al. 2016, "Deep Learning with Differential Privacy", https://arxiv.org/abs/1607.00133
 *
 * @param learningRate - A positive number or a schedule.
 * @param options - {@link DpsgdOptions}: `l2NormClip`, `noiseMultiplier` and `key` are required.
 * @returns A {@link GradientTransformation} whose state is a {@link DpsgdState}.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const opt = contrib.dpsgd(0.1, { l2NormClip: 1, noiseMultiplier: 0, key: 42 })
 * const perExample = { w: tensor([[3, 4], [0, 0.5]], 'float64') } // batch of 2
 * const [u] = opt.update(perExample, opt.init({ w: tensor([0, 0], 'float64') }))
 * // ([0.6, 0.8] + [0, 0.5]) / 2, times −0.1
 * assert.ok(Math.abs((u.w.toArray() as number[])[0]! + 0.03) < 1e-12)
 * @see differentiallyPrivateAggregate
 * @category contrib
 * @since 0.1.0
 */
export function dpsgd(learningRate: ScalarOrSchedule, options: DpsgdOptions): GradientTransformation<DpsgdState> {
  return chain(
    differentiallyPrivateAggregate(options),
    trace({ decay: options?.momentum ?? 0, nesterov: options?.nesterov ?? false }),
    scaleByLearningRate(learningRate),
  )
}
