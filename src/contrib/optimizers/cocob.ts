import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByCocobOptions, type ScaleByCocobState, scaleByCocob } from '../transforms/scaleByCocob'
import { hyperparamDefaultsOf, withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link cocob}.
 * @category contrib
 * @since 0.1.0
 */
export interface CocobOptions extends ScaleByCocobOptions {
  /** L2 weight decay added to the gradient. @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params to decay. @defaultValue undefined (all) */
  readonly mask?: MaskOrFn
}

/**
 * State of {@link cocob}.
 * @category contrib
 * @since 0.1.0
 */
export type CocobState = readonly [AddDecayedWeightsState, ScaleByLearningRateState, ScaleByCocobState]

/**
 * COCOB-Backprop: learning-rate-free subgradient descent by coin betting. Each coordinate bets a fraction of its
 * accumulated reward on the sign of the summed negative gradients.
 *
 * ```text
 * L ← max(L, |g|),  G ← G + |g|,  R ← max(R − g·(x − x₀), 0),  C ← C − g          (g = η_t·(∇f + λ·x))
 * x_{t+1} = x₀ + C/(L·max(G + L, α·L))·(L + R),   u_t = x_{t+1} − x_t
 * ```
 *
 * Chain: `chain(addDecayedWeights({ weightDecay, mask }), scaleByLearningRate(learningRate, { flipSign: false }),
 * scaleByCocob({ alpha, eps }))`.
 *
 * References: Orabona & Tommasi 2017, "Training Deep Networks without Learning Rates Through Coin Betting",
 * https://arxiv.org/abs/1705.07795
 *
 * @param learningRate - A multiplier of the gradients (1, or a schedule). @defaultValue 1
 * @param options - {@link CocobOptions} (alpha 100, eps 1e-8, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link CocobState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.cocob()
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 300; i++) {
 *   const [u, next] = opt.update(x, state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.5)
 * @see scaleByCocob
 * @category contrib
 * @since 0.1.0
 */
export function cocob(
  learningRate: ScalarOrSchedule = 1,
  options: CocobOptions = {},
): GradientTransformation<CocobState> {
  return chain(
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByLearningRate(learningRate, { flipSign: false }),
    scaleByCocob(options),
  )
}

withHyperparamDefaults(cocob, 1, { ...hyperparamDefaultsOf(scaleByCocob).values, weightDecay: 0 }, undefined, [1])
