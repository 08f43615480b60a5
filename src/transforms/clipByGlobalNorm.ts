import { knownNorm } from '../core/gradNormHint'
import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import { type Tensor, fromStorage } from '../core/tensor'
import type { GradientTransformation, Leaf } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { globalNorm } from './_internal/globalNorm'
import { type StateSpec, checkState } from '../core/stateCheck'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

const STATE: StateSpec = { gradNorm: 'number' }

/**
 * Options of {@link clipByGlobalNorm}.
 * @category transforms
 * @since 0.1.0
 */
export interface ClipByGlobalNormOptions {
  /**
   * The largest global L2 norm the updates may have; ≥ 0.
   * @defaultValue required
   */
  readonly maxNorm: number
}

/**
 * State of {@link clipByGlobalNorm}: the norm it measured, so it can be logged without computing it again (optax
 * #326 asks for this; PyTorch's `clip_grad_norm_` returns it).
 * @category transforms
 * @since 0.1.0
 */
export interface ClipByGlobalNormState {
  /**
   * The global L2 norm of the updates the last `update` received, before clipping (the gradient norm when
   * clipByGlobalNorm comes first in the chain); 0 before the first update. Compare it with `maxNorm` to see whether
   * that step was clipped.
   */
  readonly gradNorm: number
}

/**
 * Rescales the updates so that their global L2 norm is at most `maxNorm`.
 *
 * The norm is taken over all leaves together, as one vector, and accumulated in float64. Below the threshold the
 * updates pass through unchanged (the same tree); above it every element is multiplied by the same factor
 * maxNorm/‖g‖, so the direction is kept. As in optax there is no ε: the comparison selects one branch or the
 * other.
 * Two deviations that only matter where optax returns NaN or zeros: a zero gradient is returned as is even when
 * `maxNorm` is 0, and a norm that overflows float64 (elements above ~1e154) is computed by rescaling.
 *
 * ```text
 * n = √(Σ_leaves Σ_i g_i²)
 * u = g                  if n < maxNorm
 * u = g · maxNorm / n    otherwise
 * state.gradNorm = n      (before clipping)
 * ```
 *
 * References: Pascanu, Mikolov & Bengio 2012, On the difficulty of training recurrent neural networks,
 * https://arxiv.org/abs/1211.5063
 *
 * @param maxNorm - The threshold, positionally or as {@link ClipByGlobalNormOptions}; in [0, ∞).
 * @returns A {@link GradientTransformation} whose state ({@link ClipByGlobalNormState}) keeps the norm before clipping.
 * @throws HyperparameterError when `maxNorm` is negative, infinite or not a number.
 * @example
 * import { clipByGlobalNorm, tensor, tree } from 'descent-ts'
 * const tx = clipByGlobalNorm(1)
 * const [u, state] = tx.update({ a: tensor([3]), b: 4 }, tx.init({}))
 * assert.deepStrictEqual([u.a.toArray(), u.b], [[0.6000000238418579], 0.8])
 * assert.ok(Math.abs(tree.norm(u) - 1) < 1e-7)
 * assert.strictEqual(state.gradNorm, 5) // √(3² + 4²), before clipping
 * @see clip, chain
 * @category transforms
 * @since 0.1.0
 */
export function clipByGlobalNorm(
  maxNorm: number | ClipByGlobalNormOptions,
): GradientTransformation<ClipByGlobalNormState> {
  const [options, name] = firstArg<ClipByGlobalNormOptions, 'maxNorm'>(maxNorm, 'maxNorm')
  const max = checkInRange('clipByGlobalNorm', name, options.maxNorm, '[0, Infinity)')
  return attachNotes<GradientTransformation<ClipByGlobalNormState>>(
    {
      init: (): ClipByGlobalNormState => ({ gradNorm: 0 }),
      update: (updates, state, params, extra) => {
        checkState('clipByGlobalNorm', state, STATE, updates, params)
        // trainStep has measured ‖g‖ already (first in a chain, the updates are its gradient): the same bits.
        const n = knownNorm(updates, extra) ?? globalNorm(updates)
        const next: ClipByGlobalNormState = { gradNorm: n }
        if (n < max || n === 0) return [updates, next]
        return [tree.map((g) => rescale(g, n, max), updates), next]
      },
    },
    [['clipByGlobalNorm', max, name]],
  )
}

/**
 * (g / n)·max element by element, in float64 and stored in the leaf's dtype: what `tree.mapElementwiseNamed` gives
 * with that function, in a loop of its own (a closure call per element costs ≈ 4× the arithmetic; this runs on every
 * clipped step). The leaves were checked by the norm (no booleans).
 */
function rescale(g: Leaf, n: number, max: number): Leaf {
  if (typeof g === 'number') return (g / n) * max
  const data = (g as Tensor).data
  const out = data instanceof Float32Array ? new Float32Array(data.length) : new Float64Array(data.length)
  for (let i = 0; i < data.length; i++) out[i] = (data[i]! / n) * max
  return fromStorage(out, (g as Tensor).shape)
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(clipByGlobalNorm, 0, {}, ['maxNorm'])
