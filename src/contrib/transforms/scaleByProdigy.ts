import { checkBoolean, checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, MaskOrFn, PyTree, ScalarOrSchedule } from '../../core/types'
import { checkMaskOrFn, mergeMasked, resolveMask } from '../../transforms/_internal/maskTree'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link prodigy} (optax's `prodigy` is one transform; descent splits it so that the alias is a chain).
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByProdigyOptions {
  /** The learning-rate multiplier (a schedule with 1 as its peak is recommended). @defaultValue 1 */
  readonly learningRate?: ScalarOrSchedule
  /** [β₁, β₂] of the underlying AdamW, each in [0, 1). @defaultValue [0.9, 0.999] */
  readonly betas?: readonly [number, number]
  /** Decay of the D-estimate's accumulators, in [0, 1]. @defaultValue √β₂ */
  readonly beta3?: number
  /** Added to √v (times the current estimate d); ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Initial (under-)estimate d₀ of the distance to the solution; > 0. @defaultValue 1e-6 */
  readonly estimLr0?: number
  /** Multiplier of the D estimates; > 0. @defaultValue 1 */
  readonly estimLrCoef?: number
  /** AdamW-style weight decay (times d·lr·bias correction); ≥ 0. @defaultValue 0 */
  readonly weightDecay?: number
  /**
   * Which params get the weight decay (optax's `weight_decay_mask`): a mask tree (or prefix) or a function of the
   * params.
   * @defaultValue undefined (all)
   */
  readonly weightDecayMask?: MaskOrFn | undefined
  /**
   * Leave the learning rate out of the D-estimate's denominator (optax's `safeguard_warmup`), against a too large D
   * during a learning-rate warmup: s_t = β₃·s_{t−1} + d²·g/d₀ instead of + d·dlr·g/d₀.
   * @defaultValue false
   */
  readonly safeguardWarmup?: boolean
}

/**
 * State of {@link prodigy}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByProdigyState {
  /** EMA of d·g. */
  readonly expAvg: PyTree
  /** EMA of (d·g)². */
  readonly expAvgSq: PyTree
  /** Decayed, weighted sum of the gradients s. */
  readonly gradSum: PyTree
  /** The initial params x₀. */
  readonly params0: PyTree
  /** The current estimate d of the distance to the solution. */
  readonly estimLr: number
  /** The decayed, weighted numerator of the d estimate. */
  readonly numeratorWeighted: number
  /** Number of updates done so far. */
  readonly count: number
}

const STATE: StateSpec = {
  expAvg: 'tree',
  expAvgSq: 'tree',
  gradSum: 'tree',
  params0: 'tree',
  estimLr: 'number',
  numeratorWeighted: 'number',
  count: 'count',
}

/**
 * The Prodigy step, learning rate included (the learning rate only scales d's adaptation): see {@link prodigy}.
 *
 * References: Mishchenko & Defazio 2023, https://arxiv.org/abs/2306.06101
 *
 * @param options - {@link ScaleByProdigyOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByProdigyState}; `update` needs the params.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByProdigy()
 * const x = tensor([1])
 * const [u] = tx.update(tensor([2]), tx.init(x), x)
 * // The first step is about −d₀·sign(g) = −1e-6: d starts as a deliberate underestimate.
 * assert.ok(Math.abs((u.toArray() as number[])[0]! + 1e-6) < 1e-9)
 * @see prodigy
 * @category contrib
 * @since 0.1.0
 */
export function scaleByProdigy(options: ScaleByProdigyOptions = {}): GradientTransformation<ScaleByProdigyState> {
  const owner = 'prodigy'
  const lr = checkScalarOrSchedule(owner, 'options.learningRate', options.learningRate ?? 1, '[0, Infinity)')
  const [b1In, b2In] = options.betas ?? [0.9, 0.999]
  const b1 = checkInRange(owner, 'options.betas[0]', b1In, '[0, 1)')
  const b2 = checkInRange(owner, 'options.betas[1]', b2In, '[0, 1)')
  const b3 = checkInRange(owner, 'options.beta3', options.beta3 ?? Math.sqrt(b2), '[0, 1]')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const d0 = checkInRange(owner, 'options.estimLr0', options.estimLr0 ?? 1e-6, '(0, Infinity)')
  const coef = checkInRange(owner, 'options.estimLrCoef', options.estimLrCoef ?? 1, '(0, Infinity)')
  const wd = checkInRange(owner, 'options.weightDecay', options.weightDecay ?? 0, '[0, Infinity)')
  const safeguard = checkBoolean(owner, 'options.safeguardWarmup', options.safeguardWarmup ?? false)
  const mask =
    options.weightDecayMask === undefined
      ? undefined
      : checkMaskOrFn(owner, 'options.weightDecayMask', options.weightDecayMask)

  return {
    init: (params) => ({
      expAvg: tree.zerosLike(checkParams('contrib.scaleByProdigy.init', params)),
      expAvgSq: tree.zerosLike(params),
      gradSum: tree.zerosLike(params),
      params0: copyLeaves(params),
      estimLr: d0,
      numeratorWeighted: 0,
      count: 0,
    }),
    update: (updates, state, params) => {
      const x = paramsRequired(owner, params, { chain: 'e.g. contrib.prodigy' })
      checkState(owner, state, STATE, updates, x)
      const { count, estimLr: d } = state
      const sched = typeof lr === 'number' ? lr : lr(count)
      const bc = Math.sqrt(1 - b2 ** (count + 1)) / (1 - b1 ** (count + 1))
      const dlr = d * sched * bc
      const numeratorAcc = tree.vdot(updates, tree.sub(state.params0 as typeof x, x))
      const named = (n: string) => ['updates', n]
      const expAvg = tree.mapElementwiseNamed(
        named('state.expAvg'),
        (g, m) => b1 * m + (1 - b1) * d * g,
        updates,
        state.expAvg,
      )
      const expAvgSq = tree.mapElementwiseNamed(
        named('state.expAvgSq'),
        (g, v) => b2 * v + (1 - b2) * (d * g) * (d * g),
        updates,
        state.expAvgSq,
      )
      const gradSum = tree.mapElementwiseNamed(
        named('state.gradSum'),
        safeguard ? (g, s) => b3 * s + (d * d * g) / d0 : (g, s) => b3 * s + (dlr * d * g) / d0,
        updates,
        state.gradSum,
      )
      const numeratorWeighted = b3 * state.numeratorWeighted + (d / d0) * dlr * numeratorAcc
      const denominator = tree.sum(tree.mapElementwise(Math.abs, gradSum))
      // optax divides 0 by 0 (NaN) while every gradient so far is 0; d then simply stays.
      const estimLr = denominator > 0 ? Math.max(d, (coef * numeratorWeighted) / denominator) : d
      // With a weight-decay mask the undecayed step is computed once, and the decay added where the mask is true
      // (a − q and a + (−q) are the same float, so the bits are those of the unmasked formula).
      let out: PyTree
      if (mask === undefined) {
        out = tree.mapElementwiseNamed(
          ['expAvg', 'expAvgSq', 'params'],
          (m, v, p) => -wd * dlr * p - (dlr * m) / (Math.sqrt(v) + d * eps),
          expAvg,
          expAvgSq,
          x,
        )
      } else {
        const plain = tree.mapElementwiseNamed(
          ['expAvg', 'expAvgSq'],
          (m, v) => -(dlr * m) / (Math.sqrt(v) + d * eps),
          expAvg,
          expAvgSq,
        )
        const decayed = tree.mapElementwiseNamed(['update', 'params'], (u, p) => -wd * dlr * p + u, plain, x)
        out = mergeMasked(resolveMask(mask, x), decayed, plain)
      }
      return [
        out as typeof updates,
        { expAvg, expAvgSq, gradSum, params0: state.params0, estimLr, numeratorWeighted, count: count + 1 },
      ]
    },
  }
}

withHyperparamDefaults(scaleByProdigy, 0, { eps: 1e-8, estimLr0: 1e-6, estimLrCoef: 1, weightDecay: 0 })
