import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import type { ScaleByAdamState } from '../../transforms/scaleByAdam'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByGaloreOptions, type ScaleByGaloreState, scaleByGalore } from '../transforms/scaleByGalore'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link galore}.
 * @category contrib
 * @since 0.1.0
 */
export interface GaloreOptions<S = unknown> extends ScaleByGaloreOptions<S> {
  /** Decoupled weight decay λ (as AdamW), applied in the full parameter space. @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params to decay: a tree of booleans or a function of the params. @defaultValue undefined (all) */
  readonly mask?: MaskOrFn
}

/**
 * State of {@link galore}.
 * @category contrib
 * @since 0.1.0
 */
export type GaloreState<S = unknown> = readonly [
  ScaleByGaloreState<S>,
  AddDecayedWeightsState,
  ScaleByLearningRateState,
]

/**
 * GaLore: memory-efficient training by gradient low-rank projection. The gradient of each weight matrix is projected
 * onto the top-r singular subspace of a recent gradient (recomputed every `updateProjGap` steps), the base optimizer
 * (Adam by default) keeps its moments in that r-dimensional space, and its update is projected back: full-parameter
 * learning with optimizer state of size r·n (or m·r) instead of m·n per matrix. Weight decay is applied in the full
 * space, so use `weightDecay` rather than an `adamw` base optimizer (which would need params of the low-rank shapes).
 *
 * ```text
 * every updateProjGap steps: G = U·S·Vᵀ,  P = U[:, :r] (m ≥ n) or V[:, :r] (m < n)
 * R = Pᵀ·G or G·P,   N = base(R),   u = −η·(α·(P·N or N·Pᵀ) + λ·θ)
 * ```
 *
 * Chain: `chain(scaleByGalore({ rank, updateProjGap, scale, baseOptimizer, weightDimensionNumbers }),
 * addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate))`.
 *
 * References: Zhao et al. 2024, "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
 * https://arxiv.org/abs/2403.03507
 *
 * @param learningRate - A number or a schedule.
 * @param options - {@link GaloreOptions} (rank 128, updateProjGap 200, scale 1, baseOptimizer scaleByAdam(),
 * weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link GaloreState}; `update` needs the params (for
 * its weight-decay step, as `adamw`).
 * @example
 * import { applyUpdates, contrib, ones, ops, tree } from 'descent-ts'
 * // optax's docstring: f(w) = Σ w², w = ones(100, 100) and b = ones(100), rank 16, five steps of 0.01.
 * const f = (p: { w: ReturnType<typeof ones>; b: ReturnType<typeof ones> }) => ops.sum(ops.square(p.w)).item()
 * const solver = contrib.galore(0.01, { rank: 16 })
 * let params = { w: ones([100, 100]), b: ones([100]) }
 * let state = solver.init(params)
 * const seen: string[] = []
 * for (let i = 0; i < 5; i++) {
 *   const g = tree.scale(2, params)
 *   const [u, next] = solver.update(g, state, params)
 *   params = applyUpdates(params, u)
 *   state = next
 *   seen.push(f(params).toExponential(2))
 * }
 * assert.deepStrictEqual(seen, ['9.98e+3', '9.96e+3', '9.94e+3', '9.92e+3', '9.90e+3'])
 * @see scaleByGalore
 * @category contrib
 * @since 0.1.0
 */
export function galore<S = ScaleByAdamState>(
  learningRate: ScalarOrSchedule,
  options: GaloreOptions<S> = {},
): GradientTransformation<GaloreState<S>> {
  return chain(
    scaleByGalore(options),
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(galore, 1, { updateProjGap: 200, scale: 1, weightDecay: 0 })
