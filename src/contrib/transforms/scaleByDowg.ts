import { checkInRange } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByDowg}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByDowgOptions {
  /** Initial guess of the squared distance to the solution; > 0. @defaultValue eps */
  readonly initEstimSqDist?: number
  /** Added to the denominator (and the default initial squared distance); > 0. @defaultValue 1e-4 */
  readonly eps?: number
}

/**
 * State of {@link scaleByDowg}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByDowgState {
  /** The initial params x₀. */
  readonly initParams: PyTree
  /** v = Σ_k r̄_k²·‖g_k‖². */
  readonly weightedSqNormGrads: number
  /** r̄² = max of the squared distances travelled (and the initial guess). */
  readonly estimSqDist: number
}

const STATE: StateSpec = { initParams: 'tree', weightedSqNormGrads: 'number', estimSqDist: 'number' }

/**
 * Scales updates by DoWG's step size. See {@link dowg} for the update rule. `init` must see the real params.
 *
 * References: Khaled et al. 2023, https://arxiv.org/abs/2305.16284
 *
 * @param options - {@link ScaleByDowgOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByDowgState}; `update` needs the params.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByDowg({ initEstimSqDist: 1, eps: 1e-12 })
 * const x = tensor([3, 4], 'float64')
 * const [u] = tx.update(tensor([3, 4], 'float64'), tx.init(x), x)
 * // η = r̄²/√(r̄²·‖g‖²) = 1/5
 * assert.ok(Math.abs((u.toArray() as number[])[0]! - 0.6) < 1e-12)
 * @see dowg
 * @category contrib
 * @since 0.1.0
 */
export function scaleByDowg(options: ScaleByDowgOptions = {}): GradientTransformation<ScaleByDowgState> {
  const owner = 'scaleByDowg'
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-4, '(0, Infinity)')
  const init = checkInRange(owner, 'options.initEstimSqDist', options.initEstimSqDist ?? eps, '(0, Infinity)')

  return {
    init: (params) => ({ initParams: copyLeaves(params), weightedSqNormGrads: 0, estimSqDist: init }),
    update: (updates, state, params) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.dowg' })
      checkState(owner, state, STATE, updates, x)
      const estimSqDist = Math.max(state.estimSqDist, tree.norm(tree.sub(state.initParams as typeof x, x)) ** 2)
      const weightedSqNormGrads = estimSqDist * tree.norm(updates) ** 2 + state.weightedSqNormGrads
      const eta = estimSqDist / (Math.sqrt(weightedSqNormGrads) + eps)
      return [tree.scale(eta, updates), { initParams: state.initParams, weightedSqNormGrads, estimSqDist }]
    },
  }
}

withHyperparamDefaults(scaleByDowg, 0, { eps: 1e-4 })
