import { HyperparameterError } from '../../core/errors'
import { checkInRange } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * How DoG's first step is set: `['distance', r₀]` (the initial distance r_ε), `['learningRate', η₀]` (the first step
 * size), or `['heuristic', α]` (r_ε = α·(1 + ‖x₀‖); α = 1e-6, or 1e-4 with batch norm).
 * @category contrib
 * @since 0.1.0
 */
export type DogInitStep = readonly ['distance' | 'learningRate' | 'heuristic', number]

/**
 * Options of {@link scaleByDog}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByDogOptions {
  /** The first step's specification. @defaultValue ['heuristic', 1e-6] */
  readonly initStep?: DogInitStep
  /** Added to the sum of squared gradient norms; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
}

/**
 * State of {@link scaleByDog}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByDogState {
  /** Number of updates done so far (optax keeps a boolean is_init_step; a pytree state holds numbers). */
  readonly count: number
  /** The initial params x₀. */
  readonly initParams: PyTree
  /** r̄ = max(r_ε, max_k ‖x_k − x₀‖). */
  readonly maxDist: number
  /** G = Σ_k ‖g_k‖². */
  readonly sumSqNormGrads: number
}

const STATE: StateSpec = { count: 'count', initParams: 'tree', maxDist: 'number', sumSqNormGrads: 'number' }

/**
 * Scales updates by DoG's step size, the largest distance travelled over the root of the summed squared gradient
 * norms. See {@link dog} for the update rule. `init` must see the real params (x₀ is kept, and the heuristic reads ‖x₀‖).
 *
 * References: Ivgi et al. 2023, https://arxiv.org/abs/2302.12022
 *
 * The first argument is optax's required `init_step` (`['distance' | 'learningRate' | 'heuristic', value]`; optax's
 * `'learning_rate'` spelling is accepted), followed by the other options, or all the {@link ScaleByDogOptions} in one
 * object. (Prose rather than `@param` tags: the overloads name their parameters differently.)
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByDogState}; `update` needs the params.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByDog(['distance', 0.5], { eps: 0 }) // or scaleByDog({ initStep: ['distance', 0.5], eps: 0 })
 * const x = tensor([3, 4])
 * const [u] = tx.update(tensor([3, 4]), tx.init(x), x)
 * assert.deepStrictEqual(u.toArray(), [0.3, 0.4].map(Math.fround)) // η = 0.5/‖g‖ = 0.1
 * @see dog
 * @category contrib
 * @since 0.1.0
 */
export function scaleByDog(
  initStep: DogInitStep,
  options?: Omit<ScaleByDogOptions, 'initStep'>,
): GradientTransformation<ScaleByDogState>
export function scaleByDog(options?: ScaleByDogOptions): GradientTransformation<ScaleByDogState>
export function scaleByDog(
  initStepOrOptions: DogInitStep | ScaleByDogOptions = {},
  rest: Omit<ScaleByDogOptions, 'initStep'> = {},
): GradientTransformation<ScaleByDogState> {
  const owner = 'scaleByDog'
  // optax's first argument, init_step, is required there: it may come positionally here too.
  const options: ScaleByDogOptions = Array.isArray(initStepOrOptions)
    ? { ...rest, initStep: initStepOrOptions as DogInitStep }
    : (initStepOrOptions as ScaleByDogOptions)
  const [kindIn, value] = options.initStep ?? ['heuristic', 1e-6]
  const kind = (kindIn as string) === 'learning_rate' ? 'learningRate' : kindIn // optax's spelling
  if (kind !== 'distance' && kind !== 'learningRate' && kind !== 'heuristic') {
    throw new HyperparameterError(
      `${owner} options.initStep[0] must be 'distance', 'learningRate' or 'heuristic'; got ${String(kind)}`,
    )
  }
  checkInRange(owner, 'options.initStep[1]', value, '(0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')

  return {
    init: (params) => ({
      count: 0,
      initParams: copyLeaves(params),
      maxDist: kind === 'distance' ? value : kind === 'heuristic' ? value * (1 + tree.norm(params)) : 0,
      sumSqNormGrads: 0,
    }),
    update: (updates, state, params) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.dog' })
      checkState(owner, state, STATE, updates, x)
      const maxDist = Math.max(state.maxDist, tree.norm(tree.sub(state.initParams as typeof x, x)))
      const sumSqNormGrads = state.sumSqNormGrads + tree.norm(updates) ** 2
      const eta = kind === 'learningRate' && state.count === 0 ? value : maxDist / Math.sqrt(sumSqNormGrads + eps)
      const next = { count: state.count + 1, initParams: state.initParams, maxDist, sumSqNormGrads }
      return [tree.scale(eta, updates), next]
    },
  }
}

withHyperparamDefaults(scaleByDog, 0, { eps: 1e-8 })
