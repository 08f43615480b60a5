import type { PRNGKey } from '../../core/prng'
import { type DType, type Tensor, full } from '../../core/tensor'
import { checkShape } from './_internal'

/**
 * The all-zeros initialiser (jax.nn.initializers.zeros), for biases: it takes a key like the others, so
 * initialisers are interchangeable, and ignores it.
 *
 * Exported as `initializers.zeros` (the top-level `zeros(shape, dtype)` is the tensor constructor).
 * ```text
 * W = 0
 * ```
 * @returns a tensor of zeros of `shape` and `options.dtype`.
 * @example
 * import { initializers, prngKey } from 'descent-ts'
 * const b = initializers.zeros(prngKey(0), [3], { dtype: 'float64' })
 * assert.deepStrictEqual(b.toArray(), [0, 0, 0])
 * assert.strictEqual(b.dtype, 'float64')
 * @see glorotUniform, heNormal, lecunNormal
 * @category initializers
 * @since 0.1.0
 */
export function zeros(_key: PRNGKey, shape: readonly number[], options: { readonly dtype?: DType } = {}): Tensor {
  checkShape('initializers.zeros', shape)
  return full(shape, 0, options.dtype ?? 'float32')
}
