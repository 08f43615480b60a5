import type { Tensor } from '../../core/tensor'
import { mul, sub } from '../ops/arithmetic'
import { exp } from '../ops/unary'
import type { TensorLike } from '../tensorLike'
import { sumWhere } from './_where'
import type { KlDivergenceOptions } from './klDivergence'

/**
 * Kullback–Leibler divergence KL(targets ‖ predictions) with both given as log-probabilities
 * (optax.kl_divergence_with_log_targets), summed over `axis`.
 * ```text
 * KL = Σᵢ exp(log tᵢ)·(log tᵢ − log pᵢ)      (Σ over the i with wᵢ ≠ 0 given where = w)
 * ```
 * @returns a tensor of the inputs' shape without `axis`.
 * @example
 * import { klDivergenceWithLogTargets, ops, tensor } from 'descent-ts'
 * const lp = ops.log(tensor([0.25, 0.75], 'float64'))
 * const lt = ops.log(tensor([0.5, 0.5], 'float64'))
 * const expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75)
 * assert.ok(Math.abs(klDivergenceWithLogTargets(lp, lt).item() - expected) < 1e-15)
 * @see klDivergence
 * @category losses
 * @since 0.2.0
 */
export const klDivergenceWithLogTargets = (
  logPredictions: TensorLike,
  logTargets: TensorLike,
  options: KlDivergenceOptions = {},
): Tensor =>
  sumWhere(
    'klDivergenceWithLogTargets',
    mul(exp(logTargets), sub(logTargets, logPredictions)),
    options.axis ?? -1,
    options.where,
  )
