import { attachNotes } from '../core/hyperparams'
import * as tree from '../core/tree'
import { resolveRmsOptions } from './_internal/rmsOptions'
import { adamScalars, float32LeavesByKernel } from './_internal/adamKernel'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { count: 'count', nu: 'tree' }

/**
 * Options of {@link scaleByRms}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRmsOptions {
  /**
   * Decay rate of the exponential moving average of the squared gradients, in [0, 1).
   * @defaultValue 0.9
   */
  readonly decay?: number
  /**
   * Stabilising term in the denominator (inside or outside the square root, see `epsInSqrt`); ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
  /**
   * Initial value of the second moment `nu`; ≥ 0.
   * @defaultValue 0
   */
  readonly initialScale?: number
  /**
   * Add `eps` inside the square root (`g/√(ν̂+ε)`) rather than outside it (`g/(√ν̂+ε)`).
   * @defaultValue true
   */
  readonly epsInSqrt?: boolean
  /**
   * Divide the second moment by (1 − decayᵗ) before using it.
   * @defaultValue false
   */
  readonly biasCorrection?: boolean
}

/**
 * State of {@link scaleByRms}: the step count and the moving average of the squared gradients.
 * Unlike optax, which only carries `count` when `biasCorrection` is on, the state always has it.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRmsState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the squared gradients (not bias corrected); starts at `initialScale`. */
  readonly nu: PyTree
}

/**
 * Rescales updates by the root of the exponential moving average of the squared gradients (RMSProp).
 *
 * Divides each gradient coordinate by the root mean square of its recent values. With
 * `{ decay: b2, epsInSqrt: false, biasCorrection: true }` it gives exactly the updates of
 * `scaleByAdam({ b1: 0, b2 })`, without storing a first moment.
 *
 * ```text
 * t = count + 1
 * ν_t = decay·ν_{t−1} + (1−decay)·g_t²        ν_0 = initialScale
 * ν̂_t = ν_t/(1−decayᵗ) if biasCorrection, else ν_t
 * u_t = g_t / √(ν̂_t + ε)   (epsInSqrt)     or     u_t = g_t / (√ν̂_t + ε)
 * ```
 *
 * References: Tieleman & Hinton 2012, "Lecture 6.5 — RMSProp", Coursera Neural Networks for Machine Learning;
 * Graves 2013, https://arxiv.org/abs/1308.0850
 *
 * @param options - {@link ScaleByRmsOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByRmsState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByRms } from 'descent-ts'
 * const tx = scaleByRms({ decay: 0.75, eps: 0 })
 * const [u, state] = tx.update([2], tx.init([0])) // ν = 0.25·4 = 1, u = 2/√1
 * assert.deepStrictEqual(u, [2])
 * assert.deepStrictEqual(state, { count: 1, nu: [1] })
 * @see rmsprop, scaleByStddev, scaleByAdam
 * @category transforms
 * @since 0.1.0
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  const { decay, eps, initialScale, epsInSqrt, biasCorrection } = resolveRmsOptions('scaleByRms', options)

  return attachNotes(
    {
      init: (params) => (checkParams('scaleByRms.init', params), { count: 0, nu: tree.fullLike(params, initialScale) }),
      update: (updates, state, params) => {
        checkState('scaleByRms', state, STATE, updates, params)
        const nu = tree.updateMomentPerElemNorm<PyTree>(updates, state.nu, decay, 2)
        const t = state.count + 1
        const bc = biasCorrection ? 1 - decay ** t : 1
        const names = ['updates', 'state.nu']
        const out = epsInSqrt
          ? tree.mapElementwiseNamed(names, (g, v) => g / Math.sqrt(v / bc + eps), updates, nu)
          : tree.mapElementwiseNamed(names, (g, v) => g / (Math.sqrt(v / bc) + eps), updates, nu)
        if (!biasCorrection || epsInSqrt) return [out, { count: t, nu }]
        // Adam with b1 = 0: float32 leaves take scaleByAdam's kernel (per-op float32), so the two stay bit-identical.
        const hyper = { b1: 0, b2: decay, eps, epsRoot: 0, nesterov: false }
        const zeros = tree.zerosLike(updates)
        const [, nu32, out32] = float32LeavesByKernel(
          [updates, zeros, state.nu],
          [zeros, nu, out],
          adamScalars(hyper, t),
        )
        return [out32 as typeof updates, { count: t, nu: nu32 }]
      },
    },
    [['zeroEps', 'scaleByRms', eps, { initialScale }]],
  )
}

withHyperparamDefaults(scaleByRms, 0, { decay: 0.9, eps: 1e-8, initialScale: 0 })
