import { type EmptyState, initEmptyState } from '../core/base'
import { DescentError, HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'
import { EMPTY_STATE_SPEC, checkState } from '../core/stateCheck'

/**
 * Options of {@link scaleByPolyak} (optax's keyword names, camelCased).
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByPolyakOptions {
  /**
   * A lower bound f* on the objective (its minimum, or a guess of it); any finite number. 0 suits models that
   * interpolate the data (a loss that can reach 0).
   * @defaultValue 0
   */
  readonly fMin?: number
  /**
   * The largest step size γ_max: the Polyak step is capped at it. In (0, ∞]; `Infinity` means no cap.
   * @defaultValue 1
   */
  readonly maxLearningRate?: number
  /**
   * Added to ‖g‖² in the denominator; ≥ 0.
   * @defaultValue 0
   */
  readonly eps?: number
  /**
   * `'sps'` (Loizou et al. 2021) uses the gap f − f* as is; `'sps+'` (Garrigos et al. 2023) uses its positive part
   * max(f − f*, 0), so a value below `fMin` gives a zero step instead of a step uphill.
   * @defaultValue 'sps'
   */
  readonly variant?: 'sps' | 'sps+'
}

const OWNER = 'scaleByPolyak'
const VARIANTS: readonly unknown[] = ['sps', 'sps+']
/** optax compares with `jnp.finfo(float).eps`, the float64 machine epsilon 2⁻⁵² (`float` is Python's float64). */
const MACHINE_EPS = Number.EPSILON

/**
 * Scales the updates by the Polyak step size (f − f*)/‖g‖², capped at `maxLearningRate`.
 *
 * Needs the loss at the current params: pass it as the extra argument `value`,
 * `tx.update(grads, state, params, { value: loss })`. The step is the distance to the optimum that a linear model
 * of f predicts, so on f(x) = ½‖x‖² with f* = 0 it halves x at every step. The sign is kept (the updates point
 * along g): chain with a negative scale, or use {@link polyakSgd}, to descend. When ‖g‖² + ε is at most the float64
 * machine epsilon 2⁻⁵² (optax's `jnp.finfo(float).eps`) the step is 0, so a zero gradient gives a zero update.
 * The squared norm is taken over all leaves together and, as all the scalar arithmetic here, computed in float64
 * (optax computes it in the gradients' dtype). Stateless, like optax's `scale_by_polyak`.
 *
 * ```text
 * f = value,   f* = fMin,   γ_max = maxLearningRate
 * gap = f − f*                       ('sps+': gap = max(f − f*, 0))
 * s = 0                              if ‖g‖² + ε ≤ 2⁻⁵²
 * s = min(gap / (‖g‖² + ε), γ_max)   otherwise
 * u = s · g
 * ```
 *
 * References: Loizou et al. 2021, "Stochastic Polyak Step-size for SGD", https://arxiv.org/abs/2002.10542;
 * Berrada et al. 2020, "Training Neural Networks for and by Interpolation", https://arxiv.org/abs/1906.05661;
 * Garrigos et al. 2023, "Function Value Learning" (SPS+), https://arxiv.org/abs/2307.14528
 *
 * @param options - {@link ScaleByPolyakOptions} (fMin 0, maxLearningRate 1, eps 0, variant 'sps').
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}) whose `update` requires
 * `extra.value`.
 * @throws HyperparameterError (a `RangeError`) when an option is invalid; DescentError from `update` when
 * `extra.value` is not a number.
 * @example
 * import { scaleByPolyak } from 'descent-ts'
 * const tx = scaleByPolyak()
 * // ‖g‖² = 3² + 4² = 25 and f − f* = 12.5, so the step is 12.5/25 = 0.5.
 * const [u] = tx.update([3, 4], tx.init([0, 0]), [0, 0], { value: 12.5 })
 * assert.deepStrictEqual(u, [1.5, 2])
 * // A larger gap is capped at maxLearningRate (1 by default).
 * const [capped] = tx.update([3, 4], tx.init([0, 0]), [0, 0], { value: 100 })
 * assert.deepStrictEqual(capped, [3, 4])
 * @see polyakSgd, scaleByLearningRate
 * @category transforms
 * @since 0.1.0
 */
export function scaleByPolyak(options: ScaleByPolyakOptions = {}): GradientTransformation<EmptyState> {
  const fMin = checkInRange(OWNER, 'options.fMin', options.fMin ?? 0, '(-Infinity, Infinity)')
  const maxLearningRate = checkInRange(OWNER, 'options.maxLearningRate', options.maxLearningRate ?? 1, '(0, Infinity]')
  const eps = checkInRange(OWNER, 'options.eps', options.eps ?? 0, '[0, Infinity)')
  const variant: unknown = options.variant ?? 'sps'
  if (!VARIANTS.includes(variant)) {
    const got = typeof variant === 'string' ? JSON.stringify(variant) : String(variant)
    throw new HyperparameterError(`${OWNER} options.variant must be 'sps' or 'sps+'; got ${got}`)
  }
  const positivePart = variant === 'sps+'
  return {
    init: initEmptyState,
    update: <P extends PyTree>(updates: P, state: EmptyState, params?: P, extra?: ExtraArgs) => {
      checkState(OWNER, state, EMPTY_STATE_SPEC, updates, params)
      const value: unknown = extra?.value
      if (typeof value !== 'number') {
        const hint = typeof value === 'object' && value !== null ? ' (a Tensor loss: pass loss.item())' : ''
        throw new DescentError(
          `${OWNER} needs the loss value at params: call tx.update(grads, state, params, { value: loss })${hint}; ` +
            `got value = ${String(value)}`,
        )
      }
      const gap = positivePart ? Math.max(value - fMin, 0) : value - fMin
      const denominator = tree.norm(updates, { squared: true }) + eps
      const step = denominator <= MACHINE_EPS ? 0 : Math.min(gap / denominator, maxLearningRate)
      return [tree.scale(step, updates), state] as const
    },
  }
}

withHyperparamDefaults(scaleByPolyak, 0, { fMin: 0, maxLearningRate: 1, eps: 0 })
