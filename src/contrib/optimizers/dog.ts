import { chain } from '../../core/chain'
import type { GradientTransformation, MaskOrFn, ScalarOrSchedule } from '../../core/types'
import { type AddDecayedWeightsState, addDecayedWeights } from '../../transforms/addDecayedWeights'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../../transforms/scaleByLearningRate'
import { type ScaleByDogOptions, type ScaleByDogState, scaleByDog } from '../transforms/scaleByDog'
import { type ScaleByDowgOptions, type ScaleByDowgState, scaleByDowg } from '../transforms/scaleByDowg'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/** Weight decay of the DoG aliases (applied to the gradient before the step size). */
interface DogWeightDecay {
  /** Weight decay λ added to the gradient (coupled, as optax's). @defaultValue 0 */
  readonly weightDecay?: ScalarOrSchedule
  /** Which params to decay. @defaultValue undefined (all) */
  readonly mask?: MaskOrFn
}

/**
 * Options of {@link dog}.
 * @category contrib
 * @since 0.1.0
 */
export interface DogOptions extends ScaleByDogOptions, DogWeightDecay {}

/**
 * State of {@link dog}.
 * @category contrib
 * @since 0.1.0
 */
export type DogState = readonly [AddDecayedWeightsState, ScaleByDogState, ScaleByLearningRateState]

/**
 * DoG (Distance over Gradients): parameter-free SGD whose step size is the largest distance travelled from x₀ over
 * the root of the summed squared gradient norms. The authors recommend averaging the iterates.
 *
 * ```text
 * r̄_t = max(r_ε, max_{k≤t} ‖x_k − x₀‖),   G_t = Σ_{k≤t} ‖g_k‖²,   η_t = r̄_t/√(G_t + ε)
 * u_t = −α_t·η_t·(g_t + λ·x_t)          (initStep ['learningRate', η₀]: η at the first step is η₀)
 * ```
 *
 * Chain: `chain(addDecayedWeights({ weightDecay, mask }), scaleByDog({ initStep, eps }), scaleByLearningRate(α))`.
 *
 * References: Ivgi et al. 2023, "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size Schedule",
 * https://arxiv.org/abs/2302.12022
 *
 * @param learningRate - A multiplier of DoG's step size (a number or a schedule). @defaultValue 1
 * @param options - {@link DogOptions} (initStep ['heuristic', 1e-6], eps 1e-8, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link DogState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.dog()
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 100; i++) {
 *   const [u, next] = opt.update(x, state, x) // the gradient of ½‖x‖²
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.5)
 * @see scaleByDog, dowg
 * @category contrib
 * @since 0.1.0
 */
export function dog(learningRate: ScalarOrSchedule = 1, options: DogOptions = {}): GradientTransformation<DogState> {
  return chain(
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByDog(options),
    scaleByLearningRate(learningRate),
  )
}

/**
 * Options of {@link dowg}.
 * @category contrib
 * @since 0.1.0
 */
export interface DowgOptions extends ScaleByDowgOptions, DogWeightDecay {}

/**
 * State of {@link dowg}.
 * @category contrib
 * @since 0.1.0
 */
export type DowgState = readonly [AddDecayedWeightsState, ScaleByDowgState, ScaleByLearningRateState]

/**
 * DoWG (Distance over Weighted Gradients): parameter-free gradient descent that weights each gradient by the squared
 * distance estimate of its step.
 *
 * ```text
 * r̄²_t = max(r̄²_{t−1}, ‖x_t − x₀‖²)  (r̄²_0 = initEstimSqDist),   v_t = v_{t−1} + r̄²_t·‖g_t‖²
 * η_t = r̄²_t/(√v_t + ε),   u_t = −α_t·η_t·(g_t + λ·x_t)
 * ```
 *
 * Chain: `chain(addDecayedWeights({ weightDecay, mask }), scaleByDowg({ initEstimSqDist, eps }),
 * scaleByLearningRate(α))`.
 *
 * References: Khaled et al. 2023, "DoWG Unleashed: An Efficient Universal Parameter-Free Gradient Descent Method",
 * https://arxiv.org/abs/2305.16284
 *
 * @param learningRate - A multiplier of DoWG's step size (a number or a schedule). @defaultValue 1
 * @param options - {@link DowgOptions} (initEstimSqDist = eps, eps 1e-4, weightDecay 0).
 * @returns A {@link GradientTransformation} whose state is a {@link DowgState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, tensor, tree } from 'descent-ts'
 * const opt = contrib.dowg()
 * let x = tensor([1, -2, 3])
 * let state = opt.init(x)
 * for (let i = 0; i < 100; i++) {
 *   const [u, next] = opt.update(x, state, x)
 *   x = applyUpdates(x, u)
 *   state = next
 * }
 * assert.ok(tree.norm(x) < 0.5)
 * @see scaleByDowg, dog
 * @category contrib
 * @since 0.1.0
 */
export function dowg(learningRate: ScalarOrSchedule = 1, options: DowgOptions = {}): GradientTransformation<DowgState> {
  return chain(
    addDecayedWeights({ weightDecay: options.weightDecay ?? 0, mask: options.mask }),
    scaleByDowg(options),
    scaleByLearningRate(learningRate),
  )
}

withHyperparamDefaults(dog, 1, { eps: 1e-8 }, undefined, [1])

withHyperparamDefaults(dowg, 1, { eps: 1e-4 }, undefined, [1])
