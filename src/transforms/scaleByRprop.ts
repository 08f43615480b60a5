import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

const STATE: StateSpec = { stepSizes: 'tree', prevUpdates: 'tree' }

/**
 * Options of {@link scaleByRprop}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRpropOptions {
  /**
   * The initial step size of every coordinate; > 0 (a number, not a schedule).
   * @defaultValue required
   */
  readonly learningRate: number
  /**
   * Factor applied to a step size when the gradient changes sign, in (0, 1].
   * @defaultValue 0.5
   */
  readonly etaMinus?: number
  /**
   * Factor applied to a step size when the gradient keeps its sign; ≥ 1.
   * @defaultValue 1.2
   */
  readonly etaPlus?: number
  /**
   * Lower bound of the step sizes; ≥ 0.
   * @defaultValue 1e-6
   */
  readonly minStepSize?: number
  /**
   * Upper bound of the step sizes; ≥ minStepSize.
   * @defaultValue 50
   */
  readonly maxStepSize?: number
}

/**
 * State of {@link scaleByRprop}: the per-coordinate step sizes and the previous (signed) steps.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByRpropState {
  /** Current step size of every coordinate, `learningRate` at init. */
  readonly stepSizes: PyTree
  /** The step computed at the previous call, step·sign(g) (0 after a sign change), zeros at init. */
  readonly prevUpdates: PyTree
}

/**
 * Rprop: per-coordinate step sizes that grow while the gradient keeps its sign and shrink when it flips.
 *
 * Only the sign of the gradient is used. This is optax's formulation, with two properties to know: the returned
 * update is the step computed at the **previous** call (so the first update is 0 and the output lags one step), and
 * its sign is **positive** (along the gradient), so the {@link rprop} alias appends `scale(-1)`. After a sign change
 * the coordinate does not move and its stored step is reset to 0 (iRprop⁻). PyTorch's `Rprop` returns the current
 * step directly, so its trajectory is one step ahead.
 *
 * ```text
 * s = g_t · p_{t−1}                 (p = prevUpdates, p_0 = 0; η = stepSizes, η_0 = learningRate)
 * η_t = η_{t−1}                          if s = 0
 *       clip(η_{t−1}·η⁺, min, max)       if s > 0
 *       clip(η_{t−1}·η⁻, min, max)       if s < 0
 * p_t = s < 0 ? 0 : η_t·sign(g_t)
 * u_t = s < 0 ? 0 : p_{t−1}
 * ```
 *
 * References: Riedmiller & Braun 1993, "A direct adaptive method for faster backpropagation learning: the RPROP
 * algorithm", https://ieeexplore.ieee.org/document/298623; Igel & Hüsken 2003,
 * https://www.sciencedirect.com/science/article/abs/pii/S0925231201007007
 *
 * @param learningRate - The initial step size, positionally or in {@link ScaleByRpropOptions}.
 * @param options - The other {@link ScaleByRpropOptions} when `learningRate` is given positionally.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByRpropState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range.
 * @example
 * import { scaleByRprop } from 'descent-ts'
 * const tx = scaleByRprop(0.5)
 * const [u1, s1] = tx.update([3, -2], tx.init([0, 0]))
 * assert.deepStrictEqual([u1, s1.prevUpdates], [[0, 0], [0.5, -0.5]]) // nothing yet, the step is stored
 * const [u2, s2] = tx.update([1, 4], s1) // first coordinate: same sign, grows; second: flips, shrinks
 * assert.deepStrictEqual([u2, s2.stepSizes, s2.prevUpdates], [[0.5, 0], [0.6, 0.25], [0.6, 0]])
 * @see rprop
 * @category transforms
 * @since 0.1.0
 */
export function scaleByRprop(
  learningRate: number,
  options?: Omit<ScaleByRpropOptions, 'learningRate'>,
): GradientTransformation<ScaleByRpropState>
export function scaleByRprop(options: ScaleByRpropOptions): GradientTransformation<ScaleByRpropState>
export function scaleByRprop(
  learningRate: number | ScaleByRpropOptions,
  rest?: Omit<ScaleByRpropOptions, 'learningRate'>,
): GradientTransformation<ScaleByRpropState> {
  const owner = 'scaleByRprop'
  const [options, name] = firstArg<ScaleByRpropOptions, 'learningRate'>(learningRate, 'learningRate', rest)
  const lr = checkInRange(owner, name, options.learningRate, '(0, Infinity)')
  const etaMinus = checkInRange(owner, 'options.etaMinus', options.etaMinus ?? 0.5, '(0, 1]')
  const etaPlus = checkInRange(owner, 'options.etaPlus', options.etaPlus ?? 1.2, '[1, Infinity)')
  const lo = checkInRange(owner, 'options.minStepSize', options.minStepSize ?? 1e-6, '[0, Infinity)')
  const hi = checkInRange(owner, 'options.maxStepSize', options.maxStepSize ?? 50, '[0, Infinity)')
  if (hi < lo) {
    throw new HyperparameterError(`${owner} options.maxStepSize must be ≥ options.minStepSize (${lo}); got ${hi}`)
  }

  return {
    init: (params) => (
      checkParams('scaleByRprop.init', params),
      { stepSizes: tree.fullLike(params, lr), prevUpdates: tree.zerosLike(params) }
    ),
    update: (updates, state, params) => {
      checkState('scaleByRprop', state, STATE, updates, params)
      const names = ['updates', 'state.prevUpdates', 'state.stepSizes']
      const stepSizes = tree.mapElementwiseNamed(
        names,
        (g, p, eta) => {
          const s = g * p
          return s === 0 ? eta : Math.min(Math.max(eta * (s > 0 ? etaPlus : etaMinus), lo), hi)
        },
        updates as PyTree,
        state.prevUpdates,
        state.stepSizes,
      )
      const prevUpdates = tree.mapElementwiseNamed(
        names,
        (g, p, eta) => (g * p < 0 ? 0 : eta * Math.sign(g)),
        updates as PyTree,
        state.prevUpdates,
        stepSizes,
      )
      const out = tree.mapElementwiseNamed(names.slice(0, 2), (g, p) => (g * p < 0 ? 0 : p), updates, state.prevUpdates)
      return [out, { stepSizes, prevUpdates }]
    },
  }
}

withHyperparamDefaults(scaleByRprop, 1, { etaMinus: 0.5, etaPlus: 1.2, minStepSize: 1e-6, maxStepSize: 50 })
