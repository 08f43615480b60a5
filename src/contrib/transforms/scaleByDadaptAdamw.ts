import { checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, MaskOrFn, PyTree, ScalarOrSchedule } from '../../core/types'
import { checkMaskOrFn } from '../../transforms/_internal/maskTree'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link dadaptAdamw} (optax's `dadapt_adamw` is one transform; descent splits it so that the alias is a
 * chain).
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByDadaptAdamwOptions {
  /** The learning-rate multiplier (1, or a schedule with peak 1). @defaultValue 1 */
  readonly learningRate?: ScalarOrSchedule
  /** [β₁, β₂] of the underlying AdamW, each in [0, 1). @defaultValue [0.9, 0.999] */
  readonly betas?: readonly [number, number]
  /** Added to √v; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Initial (under-)estimate d₀ of the distance to the solution; > 0. @defaultValue 1e-6 */
  readonly estimLr0?: number
  /** AdamW-style weight decay (times d·lr·bias correction); ≥ 0. @defaultValue 0 */
  readonly weightDecay?: number
  /** Which params to decay (a mask tree or a function of the params). @defaultValue undefined (all) */
  readonly weightDecayMask?: MaskOrFn
}

/**
 * State of {@link dadaptAdamw}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByDadaptAdamwState {
  /** EMA of dλ·g. */
  readonly expAvg: PyTree
  /** EMA of g². */
  readonly expAvgSq: PyTree
  /** EMA of dλ·g with decay √β₂. */
  readonly gradSum: PyTree
  /** The current estimate d. */
  readonly estimLr: number
  /** The weighted numerator of the d estimate. */
  readonly numeratorWeighted: number
  /** Number of updates done so far. */
  readonly count: number
}

const STATE: StateSpec = {
  expAvg: 'tree',
  expAvgSq: 'tree',
  gradSum: 'tree',
  estimLr: 'number',
  numeratorWeighted: 'number',
  count: 'count',
}

/**
 * The D-Adaptation AdamW step, learning rate included: see {@link dadaptAdamw}.
 *
 * References: Defazio & Mishchenko 2023, https://arxiv.org/abs/2301.07733
 *
 * @param options - {@link ScaleByDadaptAdamwOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByDadaptAdamwState}; `update` needs the params.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByDadaptAdamw()
 * const x = tensor([1])
 * const [u, s] = tx.update(tensor([2]), tx.init(x), x)
 * assert.ok(Math.abs((u.toArray() as number[])[0]! + 1e-6) < 1e-8) // about −d₀ at the first step
 * assert.strictEqual(s.count, 1)
 * @see dadaptAdamw, prodigy
 * @category contrib
 * @since 0.1.0
 */
export function scaleByDadaptAdamw(
  options: ScaleByDadaptAdamwOptions = {},
): GradientTransformation<ScaleByDadaptAdamwState> {
  const owner = 'dadaptAdamw'
  const lr = checkScalarOrSchedule(owner, 'options.learningRate', options.learningRate ?? 1, '[0, Infinity)')
  const [b1In, b2In] = options.betas ?? [0.9, 0.999]
  const b1 = checkInRange(owner, 'options.betas[0]', b1In, '[0, 1)')
  const b2 = checkInRange(owner, 'options.betas[1]', b2In, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const d0 = checkInRange(owner, 'options.estimLr0', options.estimLr0 ?? 1e-6, '(0, Infinity)')
  const wd = checkInRange(owner, 'options.weightDecay', options.weightDecay ?? 0, '[0, Infinity)')
  const mask = options.weightDecayMask
  if (mask !== undefined) checkMaskOrFn(owner, 'options.weightDecayMask', mask)
  const sb2 = Math.sqrt(b2)

  return {
    init: (params) => ({
      expAvg: tree.zerosLike(checkParams('contrib.scaleByDadaptAdamw.init', params)),
      expAvgSq: tree.zerosLike(params),
      gradSum: tree.zerosLike(params),
      estimLr: d0,
      numeratorWeighted: 0,
      count: 0,
    }),
    update: (updates, state, params) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.dadaptAdamw' })
      checkState(owner, state, STATE, updates, x)
      const sched = typeof lr === 'number' ? lr : lr(state.count)
      const t = state.count + 1
      const dlr = (state.estimLr * sched * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t)
      const sWeighted = tree.mapElementwiseNamed(
        ['state.gradSum', 'state.expAvgSq'],
        (s, v) => s / (Math.sqrt(v) + eps),
        state.gradSum,
        state.expAvgSq,
      )
      const numeratorAcc = tree.vdot(updates, sWeighted)
      const named = (n: string) => ['updates', n]
      const expAvg = tree.mapElementwiseNamed(
        named('state.expAvg'),
        (g, m) => b1 * m + (1 - b1) * dlr * g,
        updates,
        state.expAvg,
      )
      const expAvgSq = tree.mapElementwiseNamed(
        named('state.expAvgSq'),
        (g, v) => b2 * v + (1 - b2) * g * g,
        updates,
        state.expAvgSq,
      )
      const gradSum = tree.mapElementwiseNamed(
        named('state.gradSum'),
        (g, s) => sb2 * s + (1 - sb2) * dlr * g,
        updates,
        state.gradSum,
      )
      const l1 = tree.sum(tree.mapElementwise(Math.abs, gradSum))
      const numeratorWeighted = sb2 * state.numeratorWeighted + (1 - sb2) * dlr * numeratorAcc
      // optax divides 0 by 0 (NaN) while every gradient so far is 0; d then simply stays.
      const estimLr = l1 > 0 ? Math.max(state.estimLr, numeratorWeighted / ((1 - sb2) * l1)) : state.estimLr
      const step = tree.mapElementwiseNamed(
        ['expAvg', 'expAvgSq'],
        (m, v) => -m / (Math.sqrt(v) + eps),
        expAvg,
        expAvgSq,
      )
      const decayed = tree.mapElementwiseNamed(['step', 'params'], (u, p) => u - wd * dlr * p, step, x)
      const decayMask = mask === undefined ? true : tree.broadcastMask(typeof mask === 'function' ? mask(x) : mask, x)
      const out = wd === 0 ? step : tree.where(decayMask, decayed, step)
      return [out as typeof updates, { expAvg, expAvgSq, gradSum, estimLr, numeratorWeighted, count: t }]
    },
  }
}

withHyperparamDefaults(scaleByDadaptAdamw, 0, { eps: 1e-8, estimLr0: 1e-6, weightDecay: 0 })
