import type { PyTree } from '../core/types'
import * as tree from '../core/tree'
import { customVjp } from './customVjp'
import { mul } from './ops/arithmetic'
import type { Tensor } from '../core/tensor'

/**
 * The identity in the forward pass, scaling the gradient by `scale` in the backward pass (optax.scale_gradient):
 * `scale = 0` is `stopGradient`, a negative scale reverses the gradient (gradient-reversal layers).
 * ```text
 * scaleGradient(x, s) = x        ∂/∂x = s·(incoming cotangent)
 * ```
 * @returns `inputs`, unchanged in value.
 * @example
 * import { grad, mul, scaleGradient } from 'descent-ts'
 * assert.strictEqual(grad((x) => mul(scaleGradient(x, 0.5), 3))(2), 1.5)
 * @see stopGradient
 * @category grad
 * @since 0.2.0
 */
export function scaleGradient<T extends PyTree>(inputs: T, scale: number): T {
  const f = customVjp(
    (x: T) => x,
    (x: T) => [x, null] as const,
    (_: null, ct: T) => [tree.map((c) => (typeof c === 'number' ? c * scale : mul(c as Tensor, scale)), ct)] as never,
    'scaleGradient',
  )
  return f(inputs)
}
