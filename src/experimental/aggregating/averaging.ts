import { identity } from '../../core/base'
import { chain } from '../../core/chain'
import { HyperparameterError, ShapeError } from '../../core/errors'
import { checkInteger } from '../../core/hyperparams'
import * as tree from '../../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../../core/types'
import { type PerEltAxis, batchSizeOf, statsOver } from './_axes'

/**
 * Options of {@link averagePerElementUpdates}.
 * @category experimental
 * @since 0.1.0
 */
export interface AveragePerElementUpdatesOptions {
  /** The per-element (batch) axis or axes of every leaf. @defaultValue 0 */
  readonly perEltAxis?: PerEltAxis
}

/**
 * An aggregator (optax.experimental.aggregating.average_per_element_updates): the per-element updates, each leaf of
 * shape [batch…, param…], averaged over the batch axes.
 *
 * ```text
 * u = (1/B)·Σ_b g_b        g of shape [B, …param shape]
 * ```
 *
 * @param options - {@link AveragePerElementUpdatesOptions}, or the axis itself.
 * @returns A stateless transform from per-element updates to updates with the params' shapes.
 * @example
 * import { experimental, tensor } from 'descent-ts'
 * const agg = experimental.aggregating.averagePerElementUpdates()
 * const [u] = agg.update({ w: tensor([[1, 2], [3, 6]]) }, agg.init({ w: tensor([0, 0]) }))
 * assert.deepStrictEqual(u.w.toArray(), [2, 4])
 * @category experimental
 * @since 0.1.0
 */
export function averagePerElementUpdates(
  options: AveragePerElementUpdatesOptions | PerEltAxis = {},
): GradientTransformation<Record<string, never>> {
  const axis =
    typeof options === 'number' || Array.isArray(options)
      ? options
      : ((options as AveragePerElementUpdatesOptions).perEltAxis ?? 0)
  const owner = 'averagePerElementUpdates'
  return {
    init: () => ({}),
    update: (updates, state) => [tree.map((l) => statsOver(owner, l, axis).mean, updates) as typeof updates, state],
  }
}

/**
 * The batch size of per-element updates (optax.experimental.aggregating.get_batch_size_from_per_elt_updates): the
 * product of the sizes of `perEltAxis`, which must be the same for every leaf.
 *
 * ```text
 * B = Π_{a ∈ perEltAxis} shape[a]
 * ```
 *
 * @param perEltUpdates - The per-element updates.
 * @param perEltAxis - The batch axis or axes.
 * @returns The batch size.
 * @throws ShapeError when two leaves disagree.
 * @example
 * import { experimental, tensor } from 'descent-ts'
 * const b = experimental.aggregating.getBatchSizeFromPerEltUpdates({ w: tensor([[1, 2], [3, 4], [5, 6]]) }, 0)
 * assert.strictEqual(b, 3)
 * @category experimental
 * @since 0.1.0
 */
export function getBatchSizeFromPerEltUpdates(perEltUpdates: PyTree, perEltAxis: PerEltAxis = 0): number {
  const owner = 'getBatchSizeFromPerEltUpdates'
  const sizes = tree.leaves(perEltUpdates).map((l) => batchSizeOf(owner, l as Leaf, perEltAxis))
  if (sizes.some((s) => s !== sizes[0])) {
    throw new ShapeError(`${owner}: per-element updates must have the same batch size; got ${sizes.join(', ')}`)
  }
  if (sizes.length === 0) throw new ShapeError(`${owner}: the updates have no leaves`)
  return sizes[0]!
}

/**
 * State of {@link accumulateAvgUpdates}.
 * @category experimental
 * @since 0.1.0
 */
export interface AccumulateAvgUpdatesState {
  /** Micro-batches averaged so far in this round. */
  readonly microStep: number
  /** Whether the last update emitted the average (read by {@link process}). */
  readonly ready: boolean
  /** The running average of this round. */
  readonly avgGrad: PyTree
}

/**
 * Averages the updates of `accumulationSteps` micro-batches (optax.experimental.aggregating.accumulate_avg_updates):
 * zeros until the last one, then their average, and a fresh round. With {@link process}, the postprocessor runs only
 * on the step that emits (`ready`). One step is the identity.
 *
 * ```text
 * a_k = a_{k−1} + (g_k − a_{k−1})/k        emit a_K at k = K, zeros before
 * ```
 *
 * @param accumulationSteps - K, an integer ≥ 1 (or `{ accumulationSteps }`).
 * @returns A transform whose state is an {@link AccumulateAvgUpdatesState} (the identity for K = 1).
 * @example
 * import { experimental } from 'descent-ts'
 * const acc = experimental.aggregating.accumulateAvgUpdates(2)
 * const [u1, s1] = acc.update([2], acc.init([0]))
 * const [u2] = acc.update([4], s1)
 * assert.deepStrictEqual([u1, u2], [[0], [3]])
 * @category experimental
 * @since 0.1.0
 */
export function accumulateAvgUpdates(
  accumulationSteps: number | { readonly accumulationSteps: number },
): GradientTransformation<AccumulateAvgUpdatesState> {
  const owner = 'accumulateAvgUpdates'
  const k = checkInteger(
    owner,
    'accumulationSteps',
    typeof accumulationSteps === 'number' ? accumulationSteps : accumulationSteps?.accumulationSteps,
    '[1, Infinity)',
  )
  if (k === 1) return identity() as unknown as GradientTransformation<AccumulateAvgUpdatesState>
  return {
    init: (params) => ({ microStep: 0, ready: false, avgGrad: tree.zerosLike(params) }),
    update: (updates, state) => {
      const step = state.microStep + 1
      const avg = tree.mapElementwiseNamed(
        ['updates', 'state.avgGrad'],
        (u, a) => a + (u - a) / step,
        updates,
        state.avgGrad,
      )
      if (step === k) return [avg as typeof updates, { microStep: 0, ready: true, avgGrad: tree.zerosLike(avg) }]
      return [tree.zerosLike(avg) as typeof updates, { microStep: step, ready: false, avgGrad: avg }]
    },
  }
}

/**
 * State of {@link averageIncrementallyUpdates} with a batch axis: the states of
 * `chain(averagePerElementUpdates(perEltAxis), accumulateAvgUpdates(K))` (with `perEltAxis` null the state is an
 * {@link AccumulateAvgUpdatesState}).
 * @category experimental
 * @since 0.2.0
 */
export type AverageIncrementallyUpdatesState = readonly [Record<string, never>, AccumulateAvgUpdatesState]

/**
 * Averages per-element updates over their batch axes, then over `accumulationSteps` micro-batches
 * (optax.experimental.aggregating.average_incrementally_updates); `perEltAxis` null accumulates only.
 *
 * ```text
 * chain(averagePerElementUpdates(perEltAxis), accumulateAvgUpdates(K))     (perEltAxis null: accumulateAvgUpdates(K))
 * ```
 *
 * @param perEltAxis - The batch axis or axes, or null.
 * @param options - `{ accumulationSteps }` (K ≥ 1).
 * @returns The aggregator.
 * @example
 * import { experimental, tensor } from 'descent-ts'
 * const agg = experimental.aggregating.averageIncrementallyUpdates(0, { accumulationSteps: 2 })
 * const p = { w: tensor([0]) }
 * const [, s] = agg.update({ w: tensor([[1], [3]]) }, agg.init(p))
 * const [u] = agg.update({ w: tensor([[5], [7]]) }, s)
 * assert.deepStrictEqual(u.w.toArray(), [4]) // (2 + 6)/2
 * @category experimental
 * @since 0.1.0
 */
export function averageIncrementallyUpdates(
  perEltAxis: null,
  options: { readonly accumulationSteps: number },
): GradientTransformation<AccumulateAvgUpdatesState>
export function averageIncrementallyUpdates(
  perEltAxis: PerEltAxis,
  options: { readonly accumulationSteps: number },
): GradientTransformation<AverageIncrementallyUpdatesState>
export function averageIncrementallyUpdates(
  perEltAxis: PerEltAxis | null,
  options: { readonly accumulationSteps: number },
): GradientTransformation<AccumulateAvgUpdatesState> | GradientTransformation<AverageIncrementallyUpdatesState>
export function averageIncrementallyUpdates(
  perEltAxis: PerEltAxis | null,
  options: { readonly accumulationSteps: number },
): GradientTransformation<AccumulateAvgUpdatesState> | GradientTransformation<AverageIncrementallyUpdatesState> {
  if (typeof options !== 'object' || options === null) {
    throw new HyperparameterError('averageIncrementallyUpdates options must be { accumulationSteps }')
  }
  const acc = accumulateAvgUpdates(options.accumulationSteps)
  return perEltAxis === null ? acc : chain(averagePerElementUpdates(perEltAxis), acc)
}
