import { checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree, ScalarOrSchedule } from '../../core/types'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { lossValue } from '../_internal/lossValue'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByMomoAdam}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMomoAdamOptions {
  /** The largest step α_t (a number or a schedule); ≥ 0. @defaultValue 1e-2 */
  readonly learningRate?: ScalarOrSchedule
  /** Decay β₁ of the first moment, f̄ and γ; in [0, 1). @defaultValue 0.9 */
  readonly b1?: number
  /** Decay β₂ of the second moment; in [0, 1). @defaultValue 0.999 */
  readonly b2?: number
  /** Added to √v̂ in the preconditioner; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** A lower bound f* of the loss (0 for most losses). @defaultValue 0 */
  readonly lowerBound?: number
  /** Decoupled weight decay λ (AdamW-like); ≥ 0. @defaultValue 0 */
  readonly weightDecay?: number
  /** Estimate the lower bound on the fly, starting from `lowerBound` (MoMo*, section 5 of the paper). @defaultValue false */
  readonly adaptLowerBound?: boolean
}

/**
 * State of {@link scaleByMomoAdam}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByMomoAdamState {
  /** m: the average of the gradients. */
  readonly expAvg: PyTree
  /** v: the average of the squared gradients. */
  readonly expAvgSq: PyTree
  /** f̄: the average of the loss values. */
  readonly barf: number
  /** γ: the average of ⟨g, x⟩. */
  readonly gamma: number
  /** The current lower bound of the loss. */
  readonly lb: number
  /** Steps taken. */
  readonly count: number
}

const STATE: StateSpec = {
  expAvg: 'tree',
  expAvgSq: 'tree',
  barf: 'number',
  gamma: 'number',
  lb: 'number',
  count: 'count',
}

/**
 * MoMo-Adam (Adam with a Polyak-type step): the whole update, from the params and the loss value. See
 * {@link momoAdam} for the rule. `update` needs the params and the loss at them, as `extra.value`.
 *
 * References: Schaipp et al. 2023, https://arxiv.org/abs/2305.07583
 *
 * @param options - {@link ScaleByMomoAdamOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByMomoAdamState}.
 * @throws {@link DescentError} at `update` when `extra.value` is not a number.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByMomoAdam({ learningRate: 100, eps: 0 })
 * const x = tensor([3], 'float64')
 * // f = ½x² = 4.5, g = 3: m = 0.3, v = 0.009, D = √(v/(1−β₂)) = 3, ⟨m, m/D⟩ = 0.03, γ = 0.9, f̄ = 0.45
 * // τ = min(100/0.1, (0.45 − 0.9 + 0.9)/0.03) = 15,  u = −τ·m/D = −1.5
 * const [u] = tx.update(tensor([3], 'float64'), tx.init(x), x, { value: 4.5 })
 * assert.ok(Math.abs((u.toArray() as number[])[0]! + 1.5) < 1e-12)
 * @see momoAdam
 * @category contrib
 * @since 0.1.0
 */
export function scaleByMomoAdam(options: ScaleByMomoAdamOptions = {}): GradientTransformation<ScaleByMomoAdamState> {
  const owner = 'scaleByMomoAdam'
  const lr = checkScalarOrSchedule(owner, 'options.learningRate', options.learningRate ?? 1e-2, '[0, Infinity)')
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const lowerBound = checkInRange(owner, 'options.lowerBound', options.lowerBound ?? 0, '(-Infinity, Infinity)')
  const wd = checkInRange(owner, 'options.weightDecay', options.weightDecay ?? 0, '[0, Infinity)')
  const adapt = options.adaptLowerBound ?? false

  return {
    init: (params) => ({
      expAvg: tree.zerosLike(checkParams('contrib.scaleByMomoAdam.init', params)),
      expAvgSq: tree.zerosLike(params),
      barf: 0,
      gamma: 0,
      lb: lowerBound,
      count: 0,
    }),
    update: (updates, state, params, extra) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.momoAdam' })
      checkState(owner, state, STATE, updates, x)
      const value = lossValue(owner, extra)
      const { count } = state
      const barf = b1 * state.barf + (1 - b1) * value
      const expAvg = tree.mapElementwiseNamed(
        ['state.expAvg', 'updates'],
        (m, g) => b1 * m + (1 - b1) * g,
        state.expAvg,
        updates,
      )
      const expAvgSq = tree.mapElementwiseNamed(
        ['state.expAvgSq', 'updates'],
        (v, g) => b2 * v + (1 - b2) * g * g,
        state.expAvgSq,
        updates,
      )
      const bc1 = 1 - b1 ** (count + 1)
      const bc2 = 1 - b2 ** (count + 1)
      const precond = tree.mapElementwise((v) => eps + Math.sqrt(v / bc2), expAvgSq)
      const weighted = tree.mapElementwiseNamed(['expAvg', 'precond'], (m, D) => m / D, expAvg, precond)
      const mNormSq = tree.vdot(expAvg, weighted)
      const gamma = b1 * state.gamma + (1 - b1) * tree.vdot(updates, x)
      const iprod = tree.vdot(expAvg, x)
      const alpha = typeof lr === 'number' ? lr : lr(count)
      const shrink = 1 + alpha * wd
      let lb = state.lb
      if (adapt) {
        const cap = shrink * (barf - gamma) + iprod
        if (cap < shrink * bc1 * state.lb) lb = Math.max(cap / (2 * bc1 * shrink), lowerBound)
      }
      // A zero average gradient gives no step (optax: ‖m‖²_D ≤ machine ε).
      const t1 = mNormSq <= Number.EPSILON ? 0 : Math.max(shrink * (barf - bc1 * lb - gamma) + iprod, 0) / mNormSq
      const tau = Math.min(alpha / bc1, t1)
      const out = tree.mapElementwiseNamed(
        ['weighted', 'params'],
        (w, p) => (-(alpha * wd) / shrink) * p - tau * w,
        weighted,
        x,
      )
      const nextLb = adapt ? Math.max((barf + iprod - gamma - 0.5 * tau * mNormSq) / bc1, lowerBound) : state.lb
      return [out as typeof updates, { expAvg, expAvgSq, barf, gamma, lb: nextLb, count: count + 1 }]
    },
  }
}

withHyperparamDefaults(scaleByMomoAdam, 0, { b1: 0.9, b2: 0.999, eps: 1e-8, lowerBound: 0, weightDecay: 0 })
