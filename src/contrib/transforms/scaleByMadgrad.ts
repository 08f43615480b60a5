import { checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree, ScalarOrSchedule } from '../../core/types'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByMadgrad}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMadgradOptions {
  /** Momentum c of the averaging x ← (1−c)·z + c·x, in [0, 1). @defaultValue 0.9 */
  readonly momentum?: number
  /** Added to the learning rate and to the cube root; ≥ 0. @defaultValue 1e-6 */
  readonly eps?: number
}

/**
 * State of {@link scaleByMadgrad}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMadgradState {
  /** Number of updates done so far. */
  readonly count: number
  /** G = Σ λ_k·g_k². */
  readonly gradSumSq: PyTree
  /** s = Σ λ_k·g_k. */
  readonly s: PyTree
  /** The initial params x₀. */
  readonly x0: PyTree
}

const STATE: StateSpec = { count: 'count', gradSumSq: 'tree', s: 'tree', x0: 'tree' }

/**
 * Rescales updates according to MADGRAD (the learning rate included; the result is the full update). See
 * {@link madgrad} for the update rule. `init` must see the real params (x₀ is kept).
 *
 * References: Defazio & Jelassi 2021, https://arxiv.org/abs/2101.11075
 *
 * @param learningRate - The learning rate (a number or a schedule of the count).
 * @param options - {@link ScaleByMadgradOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByMadgradState}; `update` needs the params.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByMadgrad(0.1, { momentum: 0, eps: 0 })
 * const x = tensor([1], 'float64')
 * const [u] = tx.update(tensor([8], 'float64'), tx.init(x), x)
 * // λ = 0.1, G = 6.4, s = 0.8: z = 1 − 0.8/∛6.4, so u = z − x = −0.8/∛6.4
 * assert.ok(Math.abs((u.toArray() as number[])[0]! + 0.8 / Math.cbrt(6.4)) < 1e-12)
 * @see madgrad
 * @category contrib
 * @since 0.1.0
 */
export function scaleByMadgrad(
  learningRate: ScalarOrSchedule,
  options: ScaleByMadgradOptions = {},
): GradientTransformation<ScaleByMadgradState> {
  const owner = 'scaleByMadgrad'
  const lr = checkScalarOrSchedule(owner, 'learningRate', learningRate, '[0, Infinity)')
  const momentum = checkInRange(owner, 'options.momentum', options.momentum ?? 0.9, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-6, '[0, Infinity)')

  return {
    init: (params) => ({
      count: 0,
      gradSumSq: tree.zerosLike(checkParams('contrib.scaleByMadgrad.init', params)),
      s: tree.zerosLike(params),
      x0: copyLeaves(params),
    }),
    update: (updates, state, params) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.madgrad' })
      checkState(owner, state, STATE, updates, x)
      const lamb = ((typeof lr === 'number' ? lr : lr(state.count)) + eps) * Math.sqrt(state.count + 1)
      const gradSumSq = tree.mapElementwiseNamed(
        ['state.gradSumSq', 'updates'],
        (G, g) => G + lamb * g * g,
        state.gradSumSq,
        updates,
      )
      const s = tree.mapElementwiseNamed(['state.s', 'updates'], (si, g) => si + lamb * g, state.s, updates)
      const out = tree.mapElementwiseNamed(
        ['state.x0', 's', 'gradSumSq', 'params'],
        (x0, si, G, xi) => {
          const z = x0 - si / (Math.cbrt(G) + eps)
          return (1 - momentum) * z + momentum * xi - xi
        },
        state.x0,
        s,
        gradSumSq,
        x,
      )
      return [out as typeof updates, { count: state.count + 1, gradSumSq, s, x0: state.x0 }]
    },
  }
}

withHyperparamDefaults(scaleByMadgrad, 1, { momentum: 0.9, eps: 1e-6 })
