import { DescentError } from '../../core/errors'
import { checkInRange, checkInteger } from '../../core/hyperparams'
import * as tree from '../../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../../core/types'
import { type EmptyState, identity } from '../../core/base'
import { chain } from '../../core/chain'
import { type PerEltAxis, statsOver } from './_axes'
import { getBatchSizeFromPerEltUpdates } from './averaging'
import { type ProcessState, process } from './process'

/**
 * Options of {@link getPerElementMeanAndSumSqDiffGrads}.
 * @category experimental
 * @since 0.1.0
 */
export interface PerElementMeanOptions {
  /** The per-element (batch) axis or axes. @defaultValue 0 */
  readonly perEltAxis?: PerEltAxis
  /** Micro-batches pooled before the statistics are emitted (an integer ≥ 1). @defaultValue 1 */
  readonly accumulationSteps?: number
}

/**
 * State of {@link getPerElementMeanAndSumSqDiffGrads} with more than one accumulation step.
 * @category experimental
 * @since 0.1.0
 */
export interface PerElementMeanAndSumSqDiffGradsState {
  readonly microStep: number
  readonly ready: boolean
  readonly meanGrads: PyTree
  readonly sumSqDiffGrads: PyTree
}

/**
 * State of {@link getPerElementMeanAndSumSqDiffGrads}: empty with one accumulation step, else the pooled statistics.
 * @category experimental
 * @since 0.2.0
 */
export type PerElementMeanAggregatorState = EmptyState | PerElementMeanAndSumSqDiffGradsState

/**
 * An aggregator with aux (optax.experimental.aggregating.get_per_element_mean_and_sum_sq_diff_grads): the mean of the
 * per-element gradients and, as aux, their sum of squared deviations and the sample size, pooled over
 * `accumulationSteps` micro-batches (Chan et al.'s parallel update). Use it in {@link process} with
 * `aggregatorHasAux: true`.
 *
 * ```text
 * batch: μ_B = mean_b g_b, S_B = Σ_b (g_b − μ_B)²
 * pool:  δ = μ_B − μ,  μ ← μ + δ/k,  S ← S + S_B + δ²·(k−1)·B/k,  n = k·B
 * ```
 *
 * @param options - {@link PerElementMeanOptions}.
 * @returns An aggregator whose update returns `[mean, { sumSqDiffGrads, sampleSize }]`.
 * @example
 * import { experimental, tensor, type Tensor } from 'descent-ts'
 * const agg = experimental.aggregating.getPerElementMeanAndSumSqDiffGrads()
 * const [out] = agg.update({ w: tensor([[1], [3]]) }, agg.init({ w: tensor([0]) }))
 * type W = { w: Tensor }
 * const [mean, aux] = out as unknown as [W, { sumSqDiffGrads: W; sampleSize: number }]
 * assert.deepStrictEqual([mean.w.toArray(), aux.sumSqDiffGrads.w.toArray(), aux.sampleSize], [[2], [2], 2])
 * @category experimental
 * @since 0.1.0
 */
export function getPerElementMeanAndSumSqDiffGrads(
  options: PerElementMeanOptions = {},
): GradientTransformation<PerElementMeanAggregatorState> {
  const owner = 'getPerElementMeanAndSumSqDiffGrads'
  const axis = options.perEltAxis ?? 0
  const k = checkInteger(owner, 'options.accumulationSteps', options.accumulationSteps ?? 1, '[1, Infinity)')
  const batch = (u: PyTree) => {
    const b = getBatchSizeFromPerEltUpdates(u, axis)
    const mean = tree.map((l) => statsOver(owner, l, axis).mean, u)
    const ssd = tree.map((l) => statsOver(owner, l, axis).sumSqDiff, u)
    return { b, mean, ssd }
  }
  if (k === 1) {
    return {
      init: (): PerElementMeanAggregatorState => ({}),
      update: (updates, state) => {
        const { b, mean, ssd } = batch(updates)
        return [[mean, { sumSqDiffGrads: ssd, sampleSize: b }] as unknown as typeof updates, state]
      },
    }
  }
  // Built for k > 1, where the state is always the pooled statistics (init makes no other).
  const pooled: GradientTransformation<PerElementMeanAndSumSqDiffGradsState> = {
    init: (params: PyTree): PerElementMeanAndSumSqDiffGradsState => ({
      microStep: 0,
      ready: false,
      meanGrads: tree.zerosLike(params),
      sumSqDiffGrads: tree.zerosLike(params),
    }),
    update: <P extends PyTree>(updates: P, state: PerElementMeanAndSumSqDiffGradsState) => {
      const { b, mean, ssd } = batch(updates)
      const step = state.microStep + 1
      const delta = tree.mapElementwiseNamed(['batch mean', 'state.meanGrads'], (u, a) => u - a, mean, state.meanGrads)
      const meanGrads = tree.mapElementwiseNamed(
        ['state.meanGrads', 'delta'],
        (a, d) => a + d / step,
        state.meanGrads,
        delta,
      )
      const factor = (state.microStep * b) / step
      const sumSqDiffGrads = tree.mapElementwiseNamed(
        ['state.sumSqDiffGrads', 'batch sumSqDiff', 'delta'],
        (a, s, d) => a + s + d * d * factor,
        state.sumSqDiffGrads,
        ssd,
        delta,
      )
      // The aggregator-with-aux protocol of process: the "updates" are [mean, aux].
      const out = [meanGrads, { sumSqDiffGrads, sampleSize: b * step }] as unknown as typeof updates
      if (step === k) {
        return [
          out,
          {
            microStep: 0,
            ready: true,
            meanGrads: tree.zerosLike(meanGrads),
            sumSqDiffGrads: tree.zerosLike(sumSqDiffGrads),
          },
        ]
      }
      const zeros = [tree.zerosLike(meanGrads), { sumSqDiffGrads: tree.zerosLike(sumSqDiffGrads), sampleSize: 0 }]
      return [zeros as unknown as typeof updates, { microStep: step, ready: false, meanGrads, sumSqDiffGrads }]
    },
  }
  return pooled as GradientTransformation<PerElementMeanAggregatorState>
}

/**
 * State of {@link trackPerElementMeanAndVarianceWithEma}.
 * @category experimental
 * @since 0.1.0
 */
export interface PerElementMeanAndVarianceEmaState {
  readonly count: number
  readonly emaDecay: number
  readonly meanGradsEma: PyTree
  readonly varianceGradsEma: PyTree
}

/**
 * Tracks EMAs of the gradients' mean and per-coordinate variance
 * (optax.experimental.aggregating.track_per_element_mean_and_variance_with_ema), from the extra arguments
 * `sumSqDiffGrads` and `sampleSize` that {@link getPerElementMeanAndSumSqDiffGrads} gives through {@link process}. The
 * updates pass through unchanged; read the debiased EMAs with {@link getUnbiasedMeanAndVarianceEma}.
 *
 * ```text
 * m ← (1−β)·u + β·m,   v ← (1−β)·S/(n − 1) + β·v
 * ```
 *
 * @param options - `{ emaDecay }` β in [0, 1) (default 0.9).
 * @returns A transform whose state is a {@link PerElementMeanAndVarianceEmaState}.
 * @throws DescentError at update when the extra arguments are missing.
 * @example
 * import { experimental, tensor, type Tensor } from 'descent-ts'
 * const tx = experimental.aggregating.trackPerElementMeanAndVarianceWithEma({ emaDecay: 0.5 })
 * const [, s] = tx.update({ w: tensor([2]) }, tx.init({ w: tensor([0]) }), undefined, {
 *   sumSqDiffGrads: { w: tensor([2]) },
 *   sampleSize: 2,
 * })
 * const w = (t: unknown) => (t as { w: Tensor }).w.toArray()
 * assert.deepStrictEqual([w(s.meanGradsEma), w(s.varianceGradsEma)], [[1], [1]])
 * @see addMeanVarianceToOpt, getUnbiasedMeanAndVarianceEma
 * @category experimental
 * @since 0.1.0
 */
export function trackPerElementMeanAndVarianceWithEma(
  options: { readonly emaDecay?: number } = {},
): GradientTransformation<PerElementMeanAndVarianceEmaState> {
  const owner = 'trackPerElementMeanAndVarianceWithEma'
  const beta = checkInRange(owner, 'options.emaDecay', options.emaDecay ?? 0.9, '[0, 1)')
  return {
    init: (params) => ({
      count: 0,
      emaDecay: beta,
      meanGradsEma: tree.zerosLike(params),
      varianceGradsEma: tree.zerosLike(params),
    }),
    update: (updates, state, _params, extra?: ExtraArgs) => {
      const ssd = extra?.sumSqDiffGrads as PyTree | undefined
      const n = extra?.sampleSize
      if (ssd === undefined || typeof n !== 'number') {
        throw new DescentError(
          `${owner} needs the extra arguments sumSqDiffGrads and sampleSize: chain it after ` +
            'getPerElementMeanAndSumSqDiffGrads in experimental.aggregating.process(…, { aggregatorHasAux: true }).',
        )
      }
      const meanGradsEma = tree.mapElementwiseNamed(
        ['updates', 'state.meanGradsEma'],
        (x, y) => (1 - beta) * x + beta * y,
        updates,
        state.meanGradsEma,
      )
      const varianceGradsEma = tree.mapElementwiseNamed(
        ['sumSqDiffGrads', 'state.varianceGradsEma'],
        (s, y) => (1 - beta) * (s / (n - 1)) + beta * y,
        ssd,
        state.varianceGradsEma,
      )
      return [updates, { count: state.count + 1, emaDecay: state.emaDecay, meanGradsEma, varianceGradsEma }]
    },
  }
}

/**
 * The debiased mean and variance EMAs kept by {@link trackPerElementMeanAndVarianceWithEma}, found anywhere in an
 * optimizer state (optax.experimental.aggregating.get_unbiased_mean_and_variance_ema).
 *
 * ```text
 * m̂ = m/(1 − βᵗ),   v̂ = v/(1 − βᵗ)
 * ```
 *
 * @param state - A state that contains a {@link PerElementMeanAndVarianceEmaState}.
 * @typeParam P - The params' tree type (the EMAs have the params' structure); the caller names it, as the state
 * holds it untyped.
 * @returns `[mean, variance]`.
 * @throws DescentError when the state has none.
 * @example
 * import { type Tensor, experimental, sgd, tensor } from 'descent-ts'
 * const opt = experimental.aggregating.addMeanVarianceToOpt(sgd(0.1), { emaDecay: 0.5 })
 * const p = { w: tensor([0]) }
 * const [, s] = opt.update({ w: tensor([[1], [3]]) }, opt.init(p), p)
 * const [mean, variance] = experimental.aggregating.getUnbiasedMeanAndVarianceEma<{ w: Tensor }>(s)
 * assert.deepStrictEqual([mean.w.toArray(), variance.w.toArray()], [[2], [2]]) // sample variance of 1 and 3
 * @category experimental
 * @since 0.1.0
 */
export function getUnbiasedMeanAndVarianceEma<P extends PyTree = PyTree>(state: unknown): readonly [P, P] {
  const stack: unknown[] = [state]
  while (stack.length > 0) {
    const s = stack.pop()
    if (typeof s !== 'object' || s === null) continue
    const r = s as Partial<PerElementMeanAndVarianceEmaState>
    if (
      'meanGradsEma' in r &&
      'varianceGradsEma' in r &&
      typeof r.count === 'number' &&
      typeof r.emaDecay === 'number'
    ) {
      const c = 1 - r.emaDecay ** r.count
      return [tree.scale(1 / c, r.meanGradsEma as P), tree.scale(1 / c, r.varianceGradsEma as P)] as const
    }
    stack.push(...(Array.isArray(s) ? s : Object.values(s)))
  }
  throw new DescentError(
    'getUnbiasedMeanAndVarianceEma: the state has no trackPerElementMeanAndVarianceWithEma state (use addMeanVarianceToOpt)',
  )
}

/**
 * An optimizer of per-element gradients that also tracks the gradients' mean and variance
 * (optax.experimental.aggregating.add_mean_variance_to_opt): optax's only gradient-noise instrument.
 *
 * ```text
 * process(identity(), getPerElementMeanAndSumSqDiffGrads({ perEltAxis, accumulationSteps }),
 *         chain(trackPerElementMeanAndVarianceWithEma({ emaDecay }), opt), { aggregatorHasAux: true })
 * ```
 *
 * @param opt - The optimizer of the averaged gradients.
 * @param options - `{ emaDecay = 0.9, perEltAxis = 0, accumulationSteps = 1 }`.
 * @returns A transform of per-element gradients.
 * @example
 * import { experimental, sgd, tensor } from 'descent-ts'
 * const opt = experimental.aggregating.addMeanVarianceToOpt(sgd(0.5))
 * const p = { w: tensor([0]) }
 * const [u] = opt.update({ w: tensor([[1], [3]]) }, opt.init(p), p)
 * assert.deepStrictEqual(u.w.toArray(), [-1]) // −0.5·mean
 * @see getUnbiasedMeanAndVarianceEma
 * @category experimental
 * @since 0.1.0
 */
export function addMeanVarianceToOpt<S>(
  opt: GradientTransformation<S>,
  options: { readonly emaDecay?: number; readonly perEltAxis?: PerEltAxis; readonly accumulationSteps?: number } = {},
): GradientTransformation<
  ProcessState<EmptyState, PerElementMeanAggregatorState, readonly [PerElementMeanAndVarianceEmaState, S]>
> {
  return process(
    identity(),
    getPerElementMeanAndSumSqDiffGrads({
      perEltAxis: options.perEltAxis ?? 0,
      accumulationSteps: options.accumulationSteps ?? 1,
    }),
    chain(trackPerElementMeanAndVarianceWithEma({ emaDecay: options.emaDecay ?? 0.9 }), opt),
    { aggregatorHasAux: true },
  )
}
