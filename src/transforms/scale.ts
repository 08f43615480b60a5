import type { EmptyState } from '../core/base'
import { checkInRange } from '../core/hyperparams'
import { constantScaling } from './_internal/scaling'
import type { GradientTransformation } from '../core/types'
import { firstArg } from './_internal/firstArg'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link scale}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleOptions {
  /**
   * The factor every update is multiplied by; any finite number (negative for descent).
   * @defaultValue required
   */
  readonly stepSize: number
}

/**
 * Multiplies every update by a constant.
 *
 * The simplest transform: a fixed step size. It keeps no state. Chained after a direction-finding transform
 * (`scaleByAdam`, `trace`, …) with a negative step size it gives gradient descent; {@link scaleByLearningRate}
 * does the sign flip for you. Tensor updates keep their dtype.
 *
 * ```text
 * u = stepSize · g
 * ```
 *
 * @param stepSize - The factor, positionally or as {@link ScaleOptions}; must be finite.
 * @returns A stateless {@link GradientTransformation} (its state is {@link EmptyState}).
 * @throws HyperparameterError when `stepSize` is not a finite number.
 * @example
 * import { scale, tensor } from 'descent-ts'
 * const tx = scale(-0.5)
 * const [u] = tx.update({ w: tensor([2, -4]) }, tx.init({ w: tensor([0, 0]) }))
 * assert.deepStrictEqual(u.w.toArray(), [-1, 2])
 * assert.deepStrictEqual(scale({ stepSize: 3 }).update([1], {})[0], [3])
 * @see scaleByLearningRate, scaleBySchedule
 * @category transforms
 * @since 0.1.0
 */
export function scale(stepSize: number | ScaleOptions): GradientTransformation<EmptyState> {
  const [options, name] = firstArg<ScaleOptions, 'stepSize'>(stepSize, 'stepSize')
  const s = checkInRange('scale', name, options.stepSize, '(-Infinity, Infinity)')
  return constantScaling(s, { kind: 'scale' })
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(scale, 0, {}, ['stepSize'])
