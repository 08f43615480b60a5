import { checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree, ScalarOrSchedule } from '../../core/types'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleBySimplifiedAdemamix}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleBySimplifiedAdemamixOptions {
  /** Decay of the (undamped) gradient accumulator m, in [0, 1). @defaultValue 0.99 */
  readonly b1?: number
  /** Decay of the second moment, in [0, 1). @defaultValue 0.95 */
  readonly b2?: number
  /** Weight α of the current gradient (a number or a schedule of the count). @defaultValue 0 */
  readonly alpha?: ScalarOrSchedule
  /** Added to the denominator outside the square root; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Added inside the square root; ≥ 0. @defaultValue 0 */
  readonly epsRoot?: number
}

/**
 * State of {@link scaleBySimplifiedAdemamix}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleBySimplifiedAdemamixState {
  /** Number of updates done so far. */
  readonly t: number
  /** m = Σ β₁ᵏ·g_{t−k} (no (1−β₁) factor). */
  readonly m: PyTree
  /** EMA of the squared gradients. */
  readonly n: PyTree
}

const STATE: StateSpec = { t: 'count', m: 'tree', n: 'tree' }

/**
 * Rescales updates according to Simplified AdEMAMix. See {@link simplifiedAdemamix} for the update rule.
 *
 * ```text
 * m ← β₁·m + g,   n ← β₂·n + (1−β₂)·g²,   u = (m + α·g) / (√(n/(1−β₂ᵗ) + ε̄) + ε)
 * ```
 *
 * References: Morwani et al. 2025, https://arxiv.org/abs/2502.02431
 *
 * @param options - {@link ScaleBySimplifiedAdemamixOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleBySimplifiedAdemamixState}.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleBySimplifiedAdemamix({ alpha: 1, eps: 0 })
 * const [u] = tx.update(tensor([0.5]), tx.init(tensor([0])))
 * assert.deepStrictEqual(u.toArray(), [2]) // (g + α·g)/|g|
 * @see simplifiedAdemamix
 * @category contrib
 * @since 0.1.0
 */
export function scaleBySimplifiedAdemamix(
  options: ScaleBySimplifiedAdemamixOptions = {},
): GradientTransformation<ScaleBySimplifiedAdemamixState> {
  const owner = 'scaleBySimplifiedAdemamix'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.99, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.95, '[0, 1)')
  const alpha = checkScalarOrSchedule(owner, 'options.alpha', options.alpha ?? 0)
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')

  return {
    init: (params) => ({ t: 0, m: tree.zerosLike(params), n: tree.zerosLike(params) }),
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const a = typeof alpha === 'number' ? alpha : alpha(state.t)
      const m = tree.mapElementwiseNamed(['updates', 'state.m'], (g, x) => g + b1 * x, updates, state.m)
      const n = tree.mapElementwiseNamed(['updates', 'state.n'], (g, x) => (1 - b2) * g * g + b2 * x, updates, state.n)
      const t = state.t + 1
      const bc2 = 1 - b2 ** t
      const out = tree.mapElementwiseNamed(
        ['m', 'updates', 'n'],
        (x, g, v) => (x + a * g) / (Math.sqrt(v / bc2 + epsRoot) + eps),
        m,
        updates,
        n,
      )
      return [out as typeof updates, { t, m, n }]
    },
  }
}

withHyperparamDefaults(scaleBySimplifiedAdemamix, 0, { b1: 0.99, b2: 0.95, alpha: 0, eps: 1e-8, epsRoot: 0 })
