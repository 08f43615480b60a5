import { type EmptyState, initEmptyState } from '../core/base'
import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import type { Tensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation } from '../core/types'
import { unitwiseNorm } from './unitwiseNorm'
import { firstArg } from './_internal/firstArg'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Options of {@link adaptiveGradClip}.
 * @category transforms
 * @since 0.1.0
 */
export interface AdaptiveGradClipOptions {
  /**
   * The largest allowed ratio of a unit's update norm to its param norm; ≥ 0.
   * @defaultValue required
   */
  readonly clipping: number
  /**
   * Floor of the param norms, so that zero-initialised params can still move; ≥ 0.
   * @defaultValue 1e-3
   */
  readonly eps?: number
  /**
   * The axis or axes that make up one unit (the reduction axes of the norm; negative counts from the end). When
   * absent they follow the rank: whole leaf for scalars and vectors (after dropping size-1 axes), axis 0 for rank 2
   * and 3, axes 0–2 for rank 4 (HWIO convolutions), axes 0–3 for rank 5.
   * @defaultValue undefined (inferred from the rank)
   */
  readonly axis?: number | readonly number[] | undefined
}

const unitwiseNormOf = (x: Tensor | number, axis: readonly number[] | undefined): Tensor | number =>
  unitwiseNorm(x, axis, 'adaptiveGradClip')

/**
 * Adaptive gradient clipping (AGC): clips each unit of the updates to a fraction of the matching param unit's norm.
 *
 * A unit is a slice of a leaf, e.g. one output neuron's weights (see `axis`). Where a unit's update norm is below
 * `clipping · max(‖θ_unit‖, eps)` the updates pass unchanged; otherwise they are rescaled to that norm. Norms are
 * accumulated in float64. It needs the params: pass them to `update`.
 *
 * ```text
 * for each unit:   M = clipping · max(‖θ_unit‖₂, eps)
 * u = g                            if ‖g_unit‖₂ < M
 * u = g · M / max(‖g_unit‖₂, 10⁻⁶)   otherwise
 * ```
 *
 * References: Brock et al. 2021, High-Performance Large-Scale Image Recognition Without Normalization,
 * https://arxiv.org/abs/2102.06171
 *
 * @param clipping - The maximum ratio, positionally or in {@link AdaptiveGradClipOptions}; in [0, ∞).
 * @param options - The other {@link AdaptiveGradClipOptions} when `clipping` is given positionally.
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when an option is out of range; DescentError from `update` without params;
 * ShapeError from `update` for a leaf of rank > 5 without `axis`.
 * @example
 * import { adaptiveGradClip, tensor } from 'descent-ts'
 * const tx = adaptiveGradClip(0.5)
 * // w: two units (columns): param norms 5 and 1, so limits 2.5 and 0.5; gradient norms 5 and 0.1.
 * const params = { w: tensor([[3, 0], [4, 1]]) }
 * const [u] = tx.update({ w: tensor([[0, 0.1], [5, 0]]) }, tx.init(params), params)
 * assert.deepStrictEqual(u.w.toArray(), [[0, 0.10000000149011612], [2.5, 0]])
 * @see clipByGlobalNorm, clipByBlockRms
 * @category transforms
 * @since 0.1.0
 */
export function adaptiveGradClip(
  clipping: number,
  options?: Omit<AdaptiveGradClipOptions, 'clipping'>,
): GradientTransformation<EmptyState>
export function adaptiveGradClip(options: AdaptiveGradClipOptions): GradientTransformation<EmptyState>
export function adaptiveGradClip(
  clipping: number | AdaptiveGradClipOptions,
  rest?: Omit<AdaptiveGradClipOptions, 'clipping'>,
): GradientTransformation<EmptyState> {
  const owner = 'adaptiveGradClip'
  const [options, name] = firstArg<AdaptiveGradClipOptions, 'clipping'>(clipping, 'clipping', rest)
  const c = checkInRange(owner, name, options.clipping, '[0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-3, '[0, Infinity)')
  const axisOpt = options.axis
  const axis = axisOpt === undefined ? undefined : typeof axisOpt === 'number' ? [axisOpt] : axisOpt
  if (axis !== undefined && (!Array.isArray(axis) || axis.some((a) => !Number.isInteger(a)))) {
    throw new HyperparameterError(
      `${owner} options.axis must be an integer or an array of integers; got ${String(axisOpt)}`,
    )
  }
  return {
    init: initEmptyState,
    update: (updates, state, params) => {
      checkState('adaptiveGradClip', state, EMPTY_STATE_SPEC, updates, params)
      const p = paramsRequired(owner, params)
      const out = tree.map(
        (g, w) => {
          const gNorm = unitwiseNormOf(g, axis)
          const pNorm = unitwiseNormOf(w, axis)
          const clipped = tree.mapElementwiseNamed(
            ['updates', 'unit norm', 'param unit norm'],
            (x, gn, pn) => {
              const max = c * Math.max(pn, eps)
              return gn < max ? x : x * (max / Math.max(gn, 1e-6))
            },
            g,
            gNorm,
            pNorm,
          )
          // The norms are float64; the result is rounded once to the updates' dtype.
          return typeof g === 'number' ? clipped : tree.cast(clipped, g.dtype)
        },
        updates,
        p,
      )
      return [out, state]
    },
  }
}

withHyperparamDefaults(adaptiveGradClip, 1, { eps: 1e-3 }, ['clipping'])
