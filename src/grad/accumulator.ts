import type { PyTree } from '../core/types'

/**
 * A custom way to combine the results of microbatches (optax.microbatching.Accumulator), for {@link microbatch},
 * {@link microVmap} and {@link microGrad}, in place of an {@link AccumulationType}. Given the microbatch results
 * x₀ … x_{k−1} (each a subtree of the output, where the accumulator sits in the accumulator tree), the result is
 * ```text
 * c = init(x₀);  for i in 0 … k−1: c = update(c, xᵢ, i);  return finalize(c)
 * ```
 * `aggregate` reduces the stacked per-example outputs of one microbatch (a new axis 0) to one result, for
 * {@link microVmap} and {@link microGrad}; {@link microbatch}'s function already returns one result per microbatch.
 * `init` receives the first result only to read its structure and shapes (optax passes its shape and dtype).
 * @example
 * import { type Accumulator, type Tensor, microVmap, ops, tensor } from 'descent-ts'
 * // The largest per-example output (an accumulation optax does not build in).
 * const maxAcc: Accumulator<Tensor> = {
 *   init: (x) => ops.mul(x as Tensor, 0),
 *   update: (c, x, i) => (i === 0 ? (x as Tensor) : ops.maximum(c, x as Tensor)),
 *   finalize: (c) => c,
 *   aggregate: (xs) => ops.max(xs as Tensor, 0),
 * }
 * const f = microVmap((x: Tensor) => ops.square(x), 0, { microbatchSize: 2, accumulator: maxAcc })
 * assert.strictEqual((f(tensor([1, -3, 2, 0])) as Tensor).item(), 9)
 * @category grad
 * @since 0.1.0
 */
export interface Accumulator<C = unknown> {
  /** The initial carry, from (the structure and shapes of) the first microbatch's result. */
  init(value: PyTree): C
  /** The carry after microbatch `index`'s result. */
  update(carry: C, value: PyTree, index: number): C
  /** The final result from the last carry. */
  finalize(carry: C): PyTree
  /** One microbatch's result from its per-example outputs stacked on axis 0 (microVmap, microGrad). */
  aggregate(values: PyTree): PyTree
}
