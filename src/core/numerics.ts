import { sumLeaf } from './leafMath'
import type { Tensor } from './tensor'
import type { Leaf } from './types'

/**
 * The L2 norm of one leaf, floored at `minNorm` (optax's `safe_norm`).
 * ```text
 * safeNorm(x) = max(‖x‖₂, minNorm)
 * ```
 * @example
 * import { safeNorm, tensor } from 'descent-ts'
 * assert.strictEqual(safeNorm(tensor([3, 4]), 0), 5)
 * assert.strictEqual(safeNorm(tensor([0, 0]), 1e-6), 1e-6)
 * @category numerics
 * @since 0.1.0
 */
export const safeNorm = (x: Leaf, minNorm: number): number =>
  Math.max(Math.sqrt(sumLeaf((v) => v * v, x, [], 'x')), minNorm)

/**
 * The root mean square of one leaf, floored at `minRms` (optax's `safe_root_mean_squares`).
 * ```text
 * safeRootMeanSquares(x) = max(√(mean(x²)), minRms)
 * ```
 * @example
 * import { safeRootMeanSquares, tensor } from 'descent-ts'
 * assert.strictEqual(safeRootMeanSquares(tensor([3, 3, 3, 3]), 0), 3)
 * @category numerics
 * @since 0.1.0
 */
export const safeRootMeanSquares = (x: Leaf, minRms: number): number => {
  const n = typeof x === 'number' ? 1 : (x as Tensor).size
  return Math.max(Math.sqrt(sumLeaf((v) => v * v, x, [], 'x') / Math.max(n, 1)), minRms)
}
