import type { Tensor } from '../../core/tensor'
import { add, sub } from '../ops/arithmetic'
import { exp } from '../ops/unary'
import type { TensorLike } from '../tensorLike'
import { sumWhere } from './_where'
import { type KlDivergenceOptions, klDivergence } from './klDivergence'

/**
 * The generalized KL divergence between non-negative measures (optax.generalized_kl_divergence), the Bregman
 * divergence of x·log x − x: it is ≥ 0 for unnormalised targets and predictions too, and 0 only when they agree.
 * Predictions are given as logs.
 * ```text
 * D(t ‖ p) = Σᵢ tᵢ·(log tᵢ − log pᵢ) + Σᵢ (pᵢ − tᵢ)        ∂/∂ log pᵢ = pᵢ − tᵢ
 * (both Σ over the i with wᵢ ≠ 0 given where = w)
 * ```
 * @returns a tensor of the inputs' shape without `axis`.
 * @example
 * import { generalizedKlDivergence, grad, ops, tensor } from 'descent-ts'
 * const t = tensor([2, 3], 'float64')
 * assert.ok(Math.abs(generalizedKlDivergence(ops.log(t), t).item()) < 1e-15)
 * // ∂/∂ log p = p − t
 * const g = grad((lp) => generalizedKlDivergence(lp, t))(ops.log(tensor([1, 3], 'float64'))).toArray() as number[]
 * assert.ok(Math.abs(g[0]! + 1) < 1e-15 && Math.abs(g[1]!) < 1e-15)
 * @see klDivergence, convexKlDivergence
 * @category losses
 * @since 0.2.0
 */
export const generalizedKlDivergence = (
  logPredictions: TensorLike,
  targets: TensorLike,
  options: KlDivergenceOptions = {},
): Tensor =>
  add(
    klDivergence(logPredictions, targets, options),
    sumWhere('generalizedKlDivergence', sub(exp(logPredictions), targets), options.axis ?? -1, options.where),
  )

/**
 * optax's older name of {@link generalizedKlDivergence} (optax.convex_kl_divergence, deprecated there): the same
 * function.
 * ```text
 * D(t ‖ p) = Σᵢ tᵢ·(log tᵢ − log pᵢ) + Σᵢ (pᵢ − tᵢ)
 * ```
 * @example
 * import { convexKlDivergence, generalizedKlDivergence } from 'descent-ts'
 * assert.strictEqual(convexKlDivergence, generalizedKlDivergence)
 * @category losses
 * @since 0.2.0
 */
export const convexKlDivergence = generalizedKlDivergence
