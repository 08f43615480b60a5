import { checkInRange, checkScalarOrSchedule } from '../../core/hyperparams'
import { type StateSpec, checkState } from '../../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from '../../transforms/_internal/accumulatorDtype'
import type { DType } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree, ScalarOrSchedule } from '../../core/types'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link scaleByAdemamix}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByAdemamixOptions {
  /** Decay of the fast EMA m₁, in [0, 1). @defaultValue 0.9 */
  readonly b1?: number
  /** Decay of the second moment, in [0, 1). @defaultValue 0.999 */
  readonly b2?: number
  /** Decay of the slow EMA m₂, in [0, 1] (a number or a schedule of countM2). @defaultValue 0.9999 */
  readonly b3?: ScalarOrSchedule
  /** Weight α of the slow EMA (a number or a schedule of countM2). @defaultValue 6 (ademamix: 5) */
  readonly alpha?: ScalarOrSchedule
  /** Added to the denominator outside the square root; ≥ 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Added inside the square root; ≥ 0. @defaultValue 0 */
  readonly epsRoot?: number
  /**
   * The dtype of the three accumulators m1, m2 and ν (optax's `mu_dtype`, which sets all three at init). Here they are
   * also stored back in it after each update; the output is computed in the promoted dtype first.
   * @defaultValue the dtype of each param
   */
  readonly muDtype?: DType | undefined
}

/**
 * State of {@link scaleByAdemamix}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByAdemamixState {
  /** Steps of the fast EMA and the second moment. */
  readonly count: number
  /** Steps of the slow EMA (the count at which b3 and alpha schedules are evaluated). */
  readonly countM2: number
  /** Fast EMA of the gradients. */
  readonly m1: PyTree
  /** Slow EMA of the gradients (never bias corrected). */
  readonly m2: PyTree
  /** EMA of the squared gradients. */
  readonly nu: PyTree
}

/**
 * Rescales updates according to AdEMAMix. See {@link ademamix} for the update rule.
 *
 * ```text
 * m₁ ← β₁·m₁ + (1−β₁)·g,  m₂ ← β₃·m₂ + (1−β₃)·g,  v ← β₂·v + (1−β₂)·g²
 * u = (m₁/(1−β₁ᵗ) + α·m₂) / (√(v/(1−β₂ᵗ) + ε̄) + ε)
 * ```
 *
 * References: Pagliardini et al. 2024, https://arxiv.org/abs/2409.03137
 *
 * @param options - {@link ScaleByAdemamixOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAdemamixState}.
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * const tx = contrib.scaleByAdemamix({ alpha: 0, eps: 0 })
 * const [u] = tx.update(tensor([0.5, -2]), tx.init(tensor([0, 0])))
 * assert.deepStrictEqual(u.toArray(), [1, -1]) // with α = 0 the first step is Adam's, sign(g)
 * @see ademamix
 * @category contrib
 * @since 0.1.0
 */
export function scaleByAdemamix(options: ScaleByAdemamixOptions = {}): GradientTransformation<ScaleByAdemamixState> {
  const owner = 'scaleByAdemamix'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const b3 = checkScalarOrSchedule(owner, 'options.b3', options.b3 ?? 0.9999, '[0, 1]')
  const alpha = checkScalarOrSchedule(owner, 'options.alpha', options.alpha ?? 6)
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const slot = momentSpec(muDtype)
  const STATE: StateSpec = { count: 'count', countM2: 'count', m1: slot, m2: slot, nu: slot }

  return {
    init: (params) => ({
      count: 0,
      countM2: 0,
      m1: inDtype(tree.zerosLike(params), muDtype),
      m2: inDtype(tree.zerosLike(params), muDtype),
      nu: inDtype(tree.zerosLike(params), muDtype),
    }),
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const beta3 = typeof b3 === 'number' ? b3 : b3(state.countM2)
      const a = typeof alpha === 'number' ? alpha : alpha(state.countM2)
      const named = (name: string) => ['updates', name]
      const m1 = tree.mapElementwiseNamed(named('state.m1'), (g, m) => (1 - b1) * g + b1 * m, updates, state.m1)
      const m2 = tree.mapElementwiseNamed(named('state.m2'), (g, m) => (1 - beta3) * g + beta3 * m, updates, state.m2)
      const nu = tree.mapElementwiseNamed(named('state.nu'), (g, v) => (1 - b2) * g * g + b2 * v, updates, state.nu)
      const t = state.count + 1
      const bc1 = 1 - b1 ** t
      const bc2 = 1 - b2 ** t
      const out = tree.mapElementwiseNamed(
        ['m1', 'm2', 'nu'],
        (x1, x2, v) => (x1 / bc1 + a * x2) / (Math.sqrt(v / bc2 + epsRoot) + eps),
        m1,
        m2,
        nu,
      )
      const store = <T extends PyTree>(x: T): T => inDtype(x, muDtype)
      return [
        out as typeof updates,
        { count: t, countM2: state.countM2 + 1, m1: store(m1), m2: store(m2), nu: store(nu) },
      ]
    },
  }
}

withHyperparamDefaults(scaleByAdemamix, 0, { b1: 0.9, b2: 0.999, b3: 0.9999, alpha: 6, eps: 1e-8, epsRoot: 0 })
