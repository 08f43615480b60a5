import { attachNotes, checkBoolean, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }

/**
 * Options of {@link scaleByBelief}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByBeliefOptions {
  /**
   * Decay rate of the exponential moving average of the gradients (first moment), in [0, 1).
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the exponential moving average of the squared prediction error (g − m)², in [0, 1).
   * @defaultValue 0.999
   */
  readonly b2?: number
  /**
   * Added to the denominator outside the square root; ≥ 0. (The paper's default is 1e-8.)
   * @defaultValue 1e-16
   */
  readonly eps?: number
  /**
   * Added to the second moment at every step, so it accumulates in the state; ≥ 0. (The paper's default is 0.)
   * @defaultValue 1e-16
   */
  readonly epsRoot?: number
  /**
   * Use Nesterov momentum in the first moment, as in {@link scaleByAdam}.
   * @defaultValue false
   */
  readonly nesterov?: boolean
}

/**
 * State of {@link scaleByBelief}: the step count, the first moment and the "belief" second moment.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByBeliefState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients (not bias corrected). */
  readonly mu: PyTree
  /** Exponential moving average of (g − m)², plus ε̄ added at every step (not bias corrected). */
  readonly nu: PyTree
}

/**
 * Rescales updates by AdaBelief: Adam with the second moment of the gradient's deviation from its moving average.
 *
 * The step is large where the observed gradient agrees with the prediction m_t ("belief") and small where it does
 * not. As in optax, ε̄ (`epsRoot`) is added to s_t *inside the state* at every step, so it accumulates. The first
 * update (count 0) is g/(√(β₁²·g² + ε̄/(1−β₂)) + ε) ≈ sign(g)/β₁, since g − m₁ = β₁·g.
 * See {@link adabelief} for the optimizer.
 *
 * ```text
 * t = count + 1
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t
 * s_t = β₂·s_{t−1} + (1−β₂)·(g_t − m_t)² + ε̄
 * m̂_t = m_t/(1−β₁ᵗ)                      (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * ŝ_t = s_t/(1−β₂ᵗ)
 * u_t = m̂_t / (√ŝ_t + ε)
 * ```
 *
 * References: Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients",
 * https://arxiv.org/abs/2010.07468
 *
 * @param options - {@link ScaleByBeliefOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByBeliefState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByBelief } from 'descent-ts'
 * const tx = scaleByBelief({ b1: 0.5, b2: 0.5, eps: 0, epsRoot: 0 })
 * // g = 2: m = 1, s = 0.5·(2 − 1)² = 0.5, m̂ = 1/0.5 = 2, ŝ = 0.5/0.5 = 1, u = 2/√1
 * const [u, state] = tx.update([2], tx.init([0]))
 * assert.deepStrictEqual([u, state.mu, state.nu], [[2], [1], [0.5]])
 * @see adabelief, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByBelief(options: ScaleByBeliefOptions = {}): GradientTransformation<ScaleByBeliefState> {
  const owner = 'scaleByBelief'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-16, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 1e-16, '[0, Infinity)')
  const nesterov = checkBoolean(owner, 'options.nesterov', options.nesterov ?? false)

  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByBelief.init', params),
        { count: 0, mu: tree.zerosLike(params), nu: tree.zerosLike(params) }
      ),
      update: (updates, state, params) => {
        checkState('scaleByBelief', state, STATE, updates, params)
        const mu = tree.updateMoment<PyTree>(updates, state.mu, b1, 1)
        const nu = tree.mapElementwiseNamed(
          ['updates', 'state.mu', 'state.nu'],
          (g, m, s) => (1 - b2) * ((g - m) * (g - m)) + b2 * s + epsRoot,
          updates as PyTree,
          mu,
          state.nu,
        )
        const t = state.count + 1
        const bc1 = 1 - b1 ** t
        const bc1Next = 1 - b1 ** (t + 1)
        const bc2 = 1 - b2 ** t
        const denom = (s: number) => Math.sqrt(s / bc2) + eps
        const names = ['state.mu', 'state.nu', 'updates']
        const out = nesterov
          ? tree.mapElementwiseNamed(
              names,
              (m, s, g) => ((b1 * m) / bc1Next + ((1 - b1) * g) / bc1) / denom(s),
              mu,
              nu,
              updates,
            )
          : tree.mapElementwiseNamed(names.slice(0, 2), (m, s) => m / bc1 / denom(s), mu, nu)
        return [out as typeof updates, { count: t, mu, nu }]
      },
    },
    [
      ['swappedBetas', owner, b1, b2],
      ['zeroEps', owner, eps, { epsRoot }],
    ],
  )
}

withHyperparamDefaults(scaleByBelief, 0, { b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16 })
