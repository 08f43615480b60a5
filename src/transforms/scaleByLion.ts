import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { checkDtype, inDtype, momentSpec } from './_internal/accumulatorDtype'
import type { DType } from '../core/tensor'

/**
 * Options of {@link scaleByLion}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByLionOptions {
  /**
   * Weight of the momentum when it is combined with the current gradient to choose the direction, in [0, 1].
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the momentum (an exponential moving average of the gradients), in [0, 1].
   * @defaultValue 0.99
   */
  readonly b2?: number
  /**
   * How the combined direction c is turned into an update: `'hard'` sign(c) (the paper's Lion), `'smooth'`
   * tanh(smoothBeta·c), or `'refined'` c where |c| < 1 and sign(c) elsewhere.
   * @defaultValue 'hard'
   */
  readonly mode?: 'hard' | 'smooth' | 'refined'
  /**
   * Sharpness of the tanh in `'smooth'` mode (ignored otherwise); > 0.
   * @defaultValue 1
   */
  readonly smoothBeta?: number
  /**
   * The dtype of the momentum `mu` (optax's `mu_dtype`).
   * @defaultValue the dtype of each param
   */
  readonly muDtype?: DType | undefined
}

/**
 * State of {@link scaleByLion}: the step count and the momentum.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByLionState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients with decay b2, zeros at init. */
  readonly mu: PyTree
}

const MODES = ['hard', 'smooth', 'refined'] as const

/**
 * Rescales updates by Lion (EvoLved Sign Momentum): the sign of an interpolation between momentum and gradient.
 *
 * The direction uses β₁ and the *previous* momentum; the momentum is then updated with β₂. Every coordinate of the
 * update has magnitude 1 (in the default `'hard'` mode), so Lion needs a learning rate 3–10× smaller than AdamW's.
 * The `'smooth'` and `'refined'` modes are optax's softer variants. See {@link lion} for the optimizer.
 *
 * ```text
 * c_t = β₁·m_{t−1} + (1−β₁)·g_t
 * u_t = sign(c_t)                       ('hard'; 'smooth': tanh(β·c_t); 'refined': |c_t| < 1 ? c_t : sign(c_t))
 * m_t = β₂·m_{t−1} + (1−β₂)·g_t          m_0 = 0
 * ```
 *
 * References: Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", https://arxiv.org/abs/2302.06675
 *
 * @param options - {@link ScaleByLionOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByLionState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range or `mode` is unknown.
 * @example
 * import { scaleByLion } from 'descent-ts'
 * const tx = scaleByLion()
 * const [u1, s1] = tx.update([0.5, -20, 0], tx.init([0, 0, 0]))
 * assert.deepStrictEqual(u1, [1, -1, 0]) // sign(0.1·g)
 * // m = 0.01·g; next direction 0.9·m + 0.1·g' with g' = [-1, 1, 0]: [−0.0955, −0.08, 0]
 * assert.deepStrictEqual(tx.update([-1, 1, 0], s1)[0], [-1, -1, 0])
 * @see lion, scaleBySign
 * @category transforms
 * @since 0.1.0
 */
export function scaleByLion(options: ScaleByLionOptions = {}): GradientTransformation<ScaleByLionState> {
  const owner = 'scaleByLion'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1]')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.99, '[0, 1]')
  const mode = options.mode ?? 'hard'
  if (!MODES.includes(mode)) {
    throw new HyperparameterError(
      `${owner} options.mode must be 'hard', 'smooth' or 'refined'; got ${JSON.stringify(mode)}`,
    )
  }
  const beta = checkInRange(owner, 'options.smoothBeta', options.smoothBeta ?? 1, '(0, Infinity)')
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const STATE: StateSpec = { count: 'count', mu: momentSpec(muDtype) }
  const direction =
    mode === 'hard'
      ? Math.sign
      : mode === 'smooth'
        ? (c: number) => Math.tanh(beta * c)
        : (c: number) => (Math.abs(c) < 1 ? c : Math.sign(c))

  return {
    init: (params) => (
      checkParams('scaleByLion.init', params),
      { count: 0, mu: inDtype(tree.zerosLike(params), muDtype) }
    ),
    update: (updates, state, params) => {
      checkState('scaleByLion', state, STATE, updates, params)
      const out = tree.mapElementwiseNamed(
        ['updates', 'state.mu'],
        (g, m) => direction((1 - b1) * g + b1 * m),
        updates,
        state.mu,
      )
      const mu = tree.updateMoment<PyTree>(updates, state.mu, b2, 1)
      return [out, { count: state.count + 1, mu: inDtype(mu, muDtype) }]
    },
  }
}

withHyperparamDefaults(scaleByLion, 0, { b1: 0.9, b2: 0.99, smoothBeta: 1 })
