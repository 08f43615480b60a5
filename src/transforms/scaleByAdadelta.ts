import { attachNotes, checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { eG: 'tree', eX: 'tree' }

/**
 * Options of {@link scaleByAdadelta}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAdadeltaOptions {
  /**
   * Decay rate of both running averages (of g² and of the squared updates), in [0, 1].
   * @defaultValue 0.9
   */
  readonly rho?: number
  /**
   * Added inside both square roots; ≥ 0. It also sets the size of the first steps (√ε/√(E[g²] + ε)·g).
   * @defaultValue 1e-6
   */
  readonly eps?: number
}

/**
 * State of {@link scaleByAdadelta}: the running averages of the squared gradients and of the squared updates.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAdadeltaState {
  /** E[g²]: exponential moving average of the squared gradients, zeros at init. */
  readonly eG: PyTree
  /** E[Δx²]: exponential moving average of the squared (returned) updates, zeros at init. */
  readonly eX: PyTree
}

/**
 * Rescales updates by Adadelta: the ratio of the RMS of past updates to the RMS of past gradients.
 *
 * The update has the units of the parameters, so Adadelta needs no learning rate in the paper. The sign is
 * positive (the returned update points along the gradient); the {@link adadelta} alias flips it with its learning
 * rate. With E[Δx²] starting at 0, the first steps have size about √ε·g/√(E[g²] + ε).
 *
 * ```text
 * E[g²]_t  = ρ·E[g²]_{t−1} + (1−ρ)·g_t²
 * u_t      = √(E[Δx²]_{t−1} + ε) / √(E[g²]_t + ε) · g_t
 * E[Δx²]_t = ρ·E[Δx²]_{t−1} + (1−ρ)·u_t²
 * ```
 *
 * References: Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", https://arxiv.org/abs/1212.5701
 *
 * @param options - {@link ScaleByAdadeltaOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAdadeltaState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByAdadelta } from 'descent-ts'
 * const tx = scaleByAdadelta({ rho: 0.5, eps: 1 })
 * // g = 2: E[g²] = 2, u = √(0 + 1)/√(2 + 1)·2, E[Δx²] = 0.5·u² = 2/3
 * const [u, state] = tx.update([2], tx.init([0]))
 * const [ex] = state.eX as number[]
 * assert.ok(Math.abs(u[0]! - 2 / Math.sqrt(3)) < 1e-12 && Math.abs(ex! - 2 / 3) < 1e-12)
 * @see adadelta
 * @category transforms
 * @since 0.1.0
 */
export function scaleByAdadelta(options: ScaleByAdadeltaOptions = {}): GradientTransformation<ScaleByAdadeltaState> {
  const owner = 'scaleByAdadelta'
  const rho = checkInRange(owner, 'options.rho', options.rho ?? 0.9, '[0, 1]')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-6, '[0, Infinity)')
  return attachNotes(
    {
      init: (params) => (
        checkParams('scaleByAdadelta.init', params),
        { eG: tree.zerosLike(params), eX: tree.zerosLike(params) }
      ),
      update: (updates, state, params) => {
        checkState('scaleByAdadelta', state, STATE, updates, params)
        const eG = tree.updateMoment<PyTree>(updates, state.eG, rho, 2)
        const out = tree.mapElementwiseNamed(
          ['updates', 'state.eG', 'state.eX'],
          (g, eg, ex) => (Math.sqrt(ex + eps) / Math.sqrt(eg + eps)) * g,
          updates as PyTree,
          eG,
          state.eX,
        )
        const eX = tree.updateMoment<PyTree>(out, state.eX, rho, 2)
        return [out as typeof updates, { eG, eX }]
      },
    },
    [['zeroEps', owner, eps, {}]],
  )
}

withHyperparamDefaults(scaleByAdadelta, 0, { rho: 0.9, eps: 1e-6 })
