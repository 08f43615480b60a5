import type { Tensor } from '../../core/tensor'
import { mul, sub } from '../ops/arithmetic'
import { equal, where } from '../ops/compare'
import { log } from '../ops/unary'
import { type TensorLike, asTensor } from '../tensorLike'
import { sumWhere } from './_where'

/**
 * Options of {@link klDivergence}, {@link klDivergenceWithLogTargets}, {@link generalizedKlDivergence}.
 * @category losses
 * @since 0.2.0
 */
export interface KlDivergenceOptions {
  /** The axis (or axes) the distributions live on. @defaultValue -1 */
  readonly axis?: number | readonly number[]
  /**
   * Which entries take part in the sum (nonzero = yes), a mask that broadcasts to the inputs (optax's `where`); a
   * fully masked distribution gives 0. @defaultValue every entry
   */
  readonly where?: TensorLike
}

/**
 * Kullback–Leibler divergence KL(targets ‖ predictions) (optax.kl_divergence), with the predictions given as
 * log-probabilities, summed over `axis`. A target of 0 contributes 0 (0·log 0 = 0), with a zero gradient.
 * ```text
 * KL(t ‖ p) = Σᵢ tᵢ·(log tᵢ − log pᵢ)        ∂/∂ log pᵢ = −tᵢ      (Σ over the i with wᵢ ≠ 0 given where = w)
 * ```
 * @returns a tensor of the inputs' shape without `axis`.
 * @example
 * import { grad, klDivergence, ops, tensor } from 'descent-ts'
 * const logP = ops.log(tensor([0.5, 0.5], 'float64'))
 * const t = tensor([1, 0], 'float64')
 * assert.ok(Math.abs(klDivergence(logP, t).item() - Math.LN2) < 1e-15) // 1·(log 1 − log ½)
 * assert.deepStrictEqual(grad((lp) => klDivergence(lp, t))(logP).toArray(), [-1, -0])
 * @see klDivergenceWithLogTargets, generalizedKlDivergence
 * @category losses
 * @since 0.2.0
 */
export function klDivergence(
  logPredictions: TensorLike,
  targets: TensorLike,
  options: KlDivergenceOptions = {},
): Tensor {
  const zero = equal(targets, 0)
  // log of a safe value, so that neither the value nor any gradient sees log 0.
  const logT = where(zero, 0, log(where(zero, 1, targets)))
  const terms = asTensor(mul(targets, sub(logT, logPredictions)))
  return sumWhere('klDivergence', terms, options.axis ?? -1, options.where)
}
