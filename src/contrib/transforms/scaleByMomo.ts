import { checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree, ScalarOrSchedule } from '../../core/types'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { lossValue } from '../_internal/lossValue'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByMomo}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMomoOptions {
  /** The largest step α_t (a number or a schedule); ≥ 0. @defaultValue 1 */
  readonly learningRate?: ScalarOrSchedule
  /** Momentum β of the averages d, f̄ and γ; in [0, 1). @defaultValue 0.9 */
  readonly beta?: number
  /** A lower bound f* of the loss (0 for most losses). @defaultValue 0 */
  readonly lowerBound?: number
  /** Decoupled weight decay λ; ≥ 0. @defaultValue 0 */
  readonly weightDecay?: number
  /** Estimate the lower bound on the fly, starting from `lowerBound` (MoMo*, section 5 of the paper). @defaultValue false */
  readonly adaptLowerBound?: boolean
}

/**
 * State of {@link scaleByMomo}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMomoState {
  /** d: the average of the gradients. */
  readonly expAvg: PyTree
  /** f̄: the average of the loss values. */
  readonly barf: number
  /** γ: the average of ⟨g, x⟩. */
  readonly gamma: number
  /** The current lower bound of the loss. */
  readonly lb: number
  /** Steps taken. */
  readonly count: number
}

const STATE: StateSpec = { expAvg: 'tree', barf: 'number', gamma: 'number', lb: 'number', count: 'count' }

/**
 * MoMo (SGD with momentum and a Polyak-type step): the whole update, from the params and the loss value. See
 * {@link momo} for the rule. `update` needs the params and the loss at them, as `extra.value`.
 *
 * References: Schaipp et al. 2023, https://arxiv.org/abs/2305.07583
 *
 * @param options - {@link ScaleByMomoOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByMomoState}.
 * @throws {@link DescentError} at `update` when `extra.value` is not a number.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByMomo({ learningRate: 10 })
 * const x = tensor([3], 'float64')
 * // f = ½x² = 4.5, g = 3: first step d = g, f̄ = 4.5, γ = g·x = 9; τ = min(10, (4.5 − 9 + 9)/9) = 0.5
 * const [u] = tx.update(tensor([3], 'float64'), tx.init(x), x, { value: 4.5 })
 * assert.ok(Math.abs((u.toArray() as number[])[0]! + 1.5) < 1e-15)
 * @see momo
 * @category contrib
 * @since 0.1.0
 */
export function scaleByMomo(options: ScaleByMomoOptions = {}): GradientTransformation<ScaleByMomoState> {
  const owner = 'scaleByMomo'
  const lr = checkScalarOrSchedule(owner, 'options.learningRate', options.learningRate ?? 1, '[0, Infinity)')
  const beta = checkInRange(owner, 'options.beta', options.beta ?? 0.9, '[0, 1)')
  const lowerBound = checkInRange(owner, 'options.lowerBound', options.lowerBound ?? 0, '(-Infinity, Infinity)')
  const wd = checkInRange(owner, 'options.weightDecay', options.weightDecay ?? 0, '[0, Infinity)')
  const adapt = options.adaptLowerBound ?? false

  return {
    init: (params) => ({
      expAvg: tree.zerosLike(checkParams('contrib.scaleByMomo.init', params)),
      barf: 0,
      gamma: 0,
      lb: lowerBound,
      count: 0,
    }),
    update: (updates, state, params, extra) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.momo' })
      checkState(owner, state, STATE, updates, x)
      const value = lossValue(owner, extra)
      const { count } = state
      // The averages start at the first gradient and loss (β = 0 at step 0), as in the paper.
      const bt = count === 0 ? 0 : beta
      const barf = bt * state.barf + (1 - bt) * value
      const expAvg = tree.mapElementwiseNamed(
        ['state.expAvg', 'updates'],
        (d, g) => bt * d + (1 - bt) * g,
        state.expAvg,
        updates,
      )
      const gamma = bt * state.gamma + (1 - bt) * tree.vdot(updates, x)
      const dNormSq = tree.norm(expAvg, { squared: true })
      const iprod = tree.vdot(expAvg, x)
      const alpha = typeof lr === 'number' ? lr : lr(count)
      const shrink = 1 + alpha * wd
      let lb = state.lb
      if (adapt) {
        const cap = shrink * (barf - gamma) + iprod
        if (cap < shrink * state.lb) lb = Math.max(cap / (2 * shrink), lowerBound)
      }
      // A zero average gradient gives no step (optax: ‖d‖² ≤ machine ε).
      const t1 = dNormSq <= Number.EPSILON ? 0 : Math.max(shrink * (barf - lb - gamma) + iprod, 0) / dNormSq
      const tau = Math.min(alpha, t1)
      const out = tree.mapElementwiseNamed(
        ['expAvg', 'params'],
        (d, p) => (-(alpha * wd) / shrink) * p - tau * d,
        expAvg,
        x,
      )
      const nextLb = adapt ? Math.max(barf + iprod - gamma - 0.5 * tau * dNormSq, lowerBound) : state.lb
      return [out as typeof updates, { expAvg, barf, gamma, lb: nextLb, count: count + 1 }]
    },
  }
}

withHyperparamDefaults(scaleByMomo, 0, { beta: 0.9, lowerBound: 0, weightDecay: 0 })
