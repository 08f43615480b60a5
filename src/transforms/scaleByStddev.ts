import { attachNotes } from '../core/hyperparams'
import * as tree from '../core/tree'
import { resolveRmsOptions } from './_internal/rmsOptions'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', mu: 'tree', nu: 'tree' }

/**
 * Options of {@link scaleByStddev}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByStddevOptions {
  /**
   * Decay rate of both moving averages (of the gradients and of their squares), in [0, 1).
   * @defaultValue 0.9
   */
  readonly decay?: number
  /**
   * Stabilising term in the denominator (inside or outside the square root, see `epsInSqrt`); ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
  /**
   * Initial value of the second moment `nu` (the first moment `mu` starts at zero); ≥ 0.
   * @defaultValue 0
   */
  readonly initialScale?: number
  /**
   * Add `eps` inside the square root rather than outside it.
   * @defaultValue true
   */
  readonly epsInSqrt?: boolean
  /**
   * Divide both moments by (1 − decayᵗ) before using them.
   * @defaultValue false
   */
  readonly biasCorrection?: boolean
}

/**
 * State of {@link scaleByStddev}: the step count and the moving averages of the gradients and of their squares.
 * Unlike optax, which only carries `count` when `biasCorrection` is on, the state always has it.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByStddevState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients (not bias corrected); starts at zero. */
  readonly mu: PyTree
  /** Exponential moving average of the squared gradients (not bias corrected); starts at `initialScale`. */
  readonly nu: PyTree
}

/**
 * Rescales updates by the root of the centred moving variance of the gradients (centred RMSProp).
 *
 * Like {@link scaleByRms}, but subtracts the squared moving mean from the moving mean of squares, so each
 * coordinate is divided by an estimate of its gradient's standard deviation. ν̂ − μ̂² is a variance, ≥ 0 in exact
 * arithmetic, but rounding can make it slightly negative (always at the first step with `biasCorrection`, where it is
 * exactly 0, or with a constant gradient); it is clamped at 0, so `epsInSqrt: false` never takes √ of a negative
 * number. This is the one difference from optax, which returns NaN there.
 *
 * ```text
 * t = count + 1
 * μ_t = decay·μ_{t−1} + (1−decay)·g_t        μ_0 = 0
 * ν_t = decay·ν_{t−1} + (1−decay)·g_t²       ν_0 = initialScale
 * μ̂_t, ν̂_t = μ_t/(1−decayᵗ), ν_t/(1−decayᵗ) if biasCorrection, else μ_t, ν_t
 * σ̂²_t = max(0, ν̂_t − μ̂_t²)
 * u_t = g_t / √(σ̂²_t + ε)   (epsInSqrt)     or     u_t = g_t / (√σ̂²_t + ε)
 * ```
 *
 * References: Graves 2013, "Generating Sequences With Recurrent Neural Networks", https://arxiv.org/abs/1308.0850
 *
 * @param options - {@link ScaleByStddevOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByStddevState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByStddev } from 'descent-ts'
 * const tx = scaleByStddev({ decay: 0.5, eps: 0 })
 * const [u, state] = tx.update([4], tx.init([0])) // μ = 2, ν = 8, u = 4/√(8 − 4)
 * assert.deepStrictEqual(u, [2])
 * assert.deepStrictEqual(state, { count: 1, mu: [2], nu: [8] })
 * @see rmsprop, scaleByRms
 * @category transforms
 * @since 0.1.0
 */
export function scaleByStddev(options: ScaleByStddevOptions = {}): GradientTransformation<ScaleByStddevState> {
  const { decay, eps, initialScale, epsInSqrt, biasCorrection } = resolveRmsOptions('scaleByStddev', options)

  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByStddev.init', params),
        { count: 0, mu: tree.zerosLike(params), nu: tree.fullLike(params, initialScale) }
      ),
      update: (updates, state, params) => {
        checkState('scaleByStddev', state, STATE, updates, params)
        const mu = tree.updateMoment<PyTree>(updates, state.mu, decay, 1)
        const nu = tree.updateMomentPerElemNorm<PyTree>(updates, state.nu, decay, 2)
        const t = state.count + 1
        const bc = biasCorrection ? 1 - decay ** t : 1
        // Clamped: rounding can push this variance below 0, and √ of it would be NaN.
        const variance = (m: number, v: number) => Math.max(0, v / bc - (m / bc) ** 2)
        const names = ['updates', 'state.mu', 'state.nu']
        const out = epsInSqrt
          ? tree.mapElementwiseNamed(names, (g, m, v) => g / Math.sqrt(variance(m, v) + eps), updates, mu, nu)
          : tree.mapElementwiseNamed(names, (g, m, v) => g / (Math.sqrt(variance(m, v)) + eps), updates, mu, nu)
        return [out, { count: t, mu, nu }]
      },
    },
    [['zeroEps', 'scaleByStddev', eps, { initialScale }]],
  )
}

withHyperparamDefaults(scaleByStddev, 0, { decay: 0.9, eps: 1e-8, initialScale: 0 })
