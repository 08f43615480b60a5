import { ShapeError } from '../../core/errors'
import { checkInRange } from '../../core/hyperparams'
import { type PRNGKey, randomNormal, splitKey } from '../../core/prng'
import { type StateSpec, checkState } from '../../core/stateCheck'
import { arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { GradientTransformation, Leaf } from '../../core/types'
import { checkKey } from '../_internal/randomLike'

/**
 * Options of {@link differentiallyPrivateAggregate}.
 * @category contrib
 * @since 0.1.0
 */
export interface DifferentiallyPrivateAggregateOptions {
  /** Largest ℓ₂ norm C of one example's gradient (over all leaves); > 0. */
  readonly l2NormClip: number
  /** σ: the noise's standard deviation is σ·C; ≥ 0. */
  readonly noiseMultiplier: number
  /** The random key (a PRNGKey) or an integer seed. Required: privacy depends on it, so there is no default. */
  readonly key: PRNGKey | number
}

/**
 * State of {@link differentiallyPrivateAggregate}: the key the next update splits.
 * @category contrib
 * @since 0.1.0
 */
export interface DifferentiallyPrivateAggregateState {
  /** The key the next update splits. */
  readonly rngKey: PRNGKey
}

const STATE: StateSpec = { rngKey: ['number', 'number'] }

/**
 * DP-SGD's gradient aggregation: clips each example's gradient to global ℓ₂ norm C, sums them, adds Gaussian noise of
 * standard deviation σ·C and divides by the batch size. The updates it takes are **per-example** gradients: every
 * leaf has the batch on axis 0 (shape [B, ...params shape]); the output has the params' shapes. Put it first in a
 * chain.
 *
 * ```text
 * ĝ_i = g_i·min(1, C/‖g_i‖)   (‖g_i‖ over all leaves of example i)
 * u = (Σ_i ĝ_i + σ·C·N(0, I)) / B          (noise from the key in the state, split at each update)
 * ```
 *
 * References: Abadi et al. 2016, "Deep Learning with Differential Privacy", https://arxiv.org/abs/1607.00133
 *
 * The first argument is the clipping norm C (optax's required first argument), followed by the other options, or all
 * the {@link DifferentiallyPrivateAggregateOptions} in one object. (Prose rather than `@param` tags: the overloads name
 * their parameters differently.)
 * @returns A {@link GradientTransformation} whose state is a {@link DifferentiallyPrivateAggregateState}.
 * @throws HyperparameterError when the key is missing or invalid; ShapeError at update when a leaf has no batch axis.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.differentiallyPrivateAggregate(1, { noiseMultiplier: 0, key: 0 }) // or { l2NormClip: 1, … }
 * // Two examples: [3, 4] (norm 5, clipped to [0.6, 0.8]) and [0.5, 0] (kept).
 * const [u] = tx.update({ w: tensor([[3, 4], [0.5, 0]], 'float64') }, tx.init({ w: tensor([0, 0]) }))
 * assert.deepStrictEqual((u.w.toArray() as number[]).map((v) => Math.round(v * 1e12) / 1e12), [0.55, 0.4])
 * @see dpsgd
 * @category contrib
 * @since 0.1.0
 */
export function differentiallyPrivateAggregate(
  l2NormClip: number,
  options: Omit<DifferentiallyPrivateAggregateOptions, 'l2NormClip'>,
): GradientTransformation<DifferentiallyPrivateAggregateState>
export function differentiallyPrivateAggregate(
  options: DifferentiallyPrivateAggregateOptions,
): GradientTransformation<DifferentiallyPrivateAggregateState>
export function differentiallyPrivateAggregate(
  l2NormClipOrOptions: number | DifferentiallyPrivateAggregateOptions,
  rest?: Omit<DifferentiallyPrivateAggregateOptions, 'l2NormClip'>,
): GradientTransformation<DifferentiallyPrivateAggregateState> {
  const owner = 'differentiallyPrivateAggregate'
  // optax's first argument, l2_norm_clip, is required: it may come positionally (the others in the options).
  const o = (
    typeof l2NormClipOrOptions === 'number' ? { ...rest, l2NormClip: l2NormClipOrOptions } : (l2NormClipOrOptions ?? {})
  ) as Partial<DifferentiallyPrivateAggregateOptions>
  const clip = checkInRange(owner, 'options.l2NormClip', o.l2NormClip, '(0, Infinity)')
  const sigma = checkInRange(owner, 'options.noiseMultiplier', o.noiseMultiplier, '[0, Infinity)')
  const key = checkKey(owner, 'options.key (required: the noise, hence the privacy, depends on it)', o.key)
  const std = clip * sigma

  return {
    init: (params) => (tree.validate(params, 'params'), { rngKey: key }),
    update: (updates, state) => {
      checkState(owner, state, STATE, { rngKey: state?.rngKey ?? null })
      const [leaves, paths] = [tree.leaves(updates), tree.flattenWithPath(updates)[0].map(([p]) => p)]
      const batch = leaves.map((l, i) => {
        if (!isTensor(l) || l.shape.length === 0)
          throw new ShapeError(
            `${owner}: ${tree.keystr(paths[i]!, 'updates')} has no batch axis; it expects per-example gradients, ` +
              'each leaf of shape [batch, ...param shape].',
          )
        return l.shape[0]!
      })
      const b = batch[0] ?? 0
      const odd = batch.findIndex((n) => n !== b || n === 0)
      if (odd >= 0) {
        throw new ShapeError(
          `${owner}: ${tree.keystr(paths[odd]!, 'updates')} has batch size ${batch[odd]} on axis 0 but ` +
            `${tree.keystr(paths[0]!, 'updates')} has ${b}; every leaf needs the same non-zero batch size.`,
        )
      }
      const tensors = leaves as Extract<Leaf, { shape: readonly number[] }>[]
      const norms = new Float64Array(b)
      for (const t of tensors) {
        const per = t.size / b
        for (let i = 0; i < t.size; i++) norms[Math.floor(i / per)]! += t.data[i]! ** 2
      }
      const scales = Array.from(norms, (n) => Math.min(1, clip / Math.sqrt(n)))
      const [next, ...keys] = splitKey(state.rngKey, tensors.length + 1) as [PRNGKey, ...PRNGKey[]]
      const out = tensors.map((t, k) => {
        const shape = t.shape.slice(1)
        const per = t.size / b
        const noise = randomNormal(keys[k]!, shape, { dtype: 'float64' }).data
        const sum = new Float64Array(per)
        for (let i = 0; i < t.size; i++) sum[i % per]! += t.data[i]! * scales[Math.floor(i / per)]!
        const data = arrayTypeOf(t.dtype).from(Array.from(sum, (v, j) => (v + std * noise[j]!) / b))
        return fromStorage(data, shape)
      })
      return [tree.unflatten(tree.structure(updates), out) as typeof updates, { rngKey: next }]
    },
  }
}
