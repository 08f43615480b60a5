import { checkInRange } from '../core/hyperparams'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { safeIncrement } from '../core/safeIncrement'
import { type StateSpec, checkState } from '../core/stateCheck'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'

/**
 * Options of {@link scaleByAdan} (and of {@link adan}).
 * @category transforms
 * @since 0.2.0
 */
export interface ScaleByAdanOptions {
  /** Decay β₁ of the gradient average, in [0, 1). @defaultValue 0.98 */
  readonly b1?: number
  /** Decay β₂ of the gradient-difference average, in [0, 1). @defaultValue 0.92 */
  readonly b2?: number
  /** Decay β₃ of the second moment, in [0, 1). @defaultValue 0.99 */
  readonly b3?: number
  /** ε added outside the square root. @defaultValue 1e-8 */
  readonly eps?: number
  /** ε̄ added inside the square root. @defaultValue 0 (adan: 1e-8) */
  readonly epsRoot?: number
}

/**
 * State of {@link scaleByAdan}, with optax's field names.
 * @category transforms
 * @since 0.2.0
 */
export interface ScaleByAdanState {
  /** EMA of the gradients. */
  readonly m: PyTree
  /** EMA of the gradient differences g_t − g_{t−1}. */
  readonly v: PyTree
  /** EMA of (g_t + (1 − β₂)(g_t − g_{t−1}))². */
  readonly n: PyTree
  /** The previous gradient. */
  readonly g: PyTree
  /** Number of updates done so far. */
  readonly t: number
}

const STATE: StateSpec = { m: 'tree', v: 'tree', n: 'tree', g: 'tree', t: 'count' }

/**
 * Rescales updates by Adan's Nesterov momentum estimate (optax.scale_by_adan). See {@link adan} for the update rule.
 * The first step uses a zero gradient difference.
 * @returns a transform whose state is {@link ScaleByAdanState}.
 * @throws HyperparameterError when a β is outside [0, 1) or an ε is negative.
 * @example
 * import { scaleByAdan, tensor } from 'descent-ts'
 * const tx = scaleByAdan({ eps: 0 })
 * const [u] = tx.update(tensor([2, -3], 'float64'), tx.init(tensor([0, 0], 'float64')))
 * assert.deepStrictEqual(u.toArray(), [1, -1]) // step 1: m̂ = g, v̂ = 0, n̂ = g²
 * @see adan
 * @category transforms
 * @since 0.2.0
 */
export function scaleByAdan(options: ScaleByAdanOptions = {}): GradientTransformation<ScaleByAdanState> {
  const owner = 'scaleByAdan'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.98, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.92, '[0, 1)')
  const b3 = checkInRange(owner, 'options.b3', options.b3 ?? 0.99, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  return {
    init: (params) => {
      const z = tree.zerosLike(params)
      return { m: z, v: z, n: z, g: z, t: 0 }
    },
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const g = updates as PyTree
      const first = state.t === 0
      const diff = first ? tree.zerosLike(g) : tree.sub(g, state.g)
      const m = tree.updateMoment(g, state.m, b1, 1)
      const v = tree.updateMoment(diff, state.v, b2, 1)
      const n = tree.updateMoment(tree.addScale(g, 1 - b2, diff), state.n, b3, 2)
      const t = safeIncrement(state.t)
      const [c1, c2, c3] = [1 - b1 ** t, 1 - b2 ** t, 1 - b3 ** t]
      const u = tree.mapElementwiseNamed(
        ['state.m', 'state.v', 'state.n'],
        (mi, vi, ni) => (mi / c1 + ((1 - b2) * vi) / c2) / (Math.sqrt(ni / c3 + epsRoot) + eps),
        m,
        v,
        n,
      )
      return [u as typeof updates, { m, v, n, g, t }] as const
    },
  }
}
withHyperparamDefaults(scaleByAdan, 0, { b1: 0.98, b2: 0.92, b3: 0.99, eps: 1e-8, epsRoot: 0 })
