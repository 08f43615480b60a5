import type { PRNGKey } from '../../core/prng'
import type { Tensor } from '../../core/tensor'
import type { InitializerOptions } from './InitializerOptions'
import { varianceScaling } from './_internal'

/**
 * Glorot (Xavier) uniform initialiser (jax.nn.initializers.glorot_uniform, i.e.
 * `variance_scaling(1.0, 'fan_avg', 'uniform')`): uniform samples whose variance is 2/(fanIn + fanOut).
 *
 * Called directly with a key, as JAX's initialiser functions are: `glorotUniform(key, [784, 128])`. fanIn and
 * fanOut come from the shape (see {@link InitializerOptions}); a shape of rank < 2 needs `options.inAxis`. The same
 * key always gives the same tensor.
 * ```text
 * W ~ U(−L, L),  L = √(6 / (fanIn + fanOut))      Var W = L²/3 = 2 / (fanIn + fanOut)
 * ```
 * References: Glorot & Bengio 2010, http://proceedings.mlr.press/v9/glorot10a.html
 * @returns a tensor of `shape` and `options.dtype`.
 * @example
 * import { glorotUniform, prngKey } from 'descent-ts'
 * const w = glorotUniform(prngKey(0), [784, 128])
 * assert.deepStrictEqual(w.shape, [784, 128])
 * const limit = Math.sqrt(6 / (784 + 128))
 * assert.ok(w.dataSync().every((v) => Math.abs(v) <= limit))
 * assert.deepStrictEqual(glorotUniform(prngKey(0), [784, 128]).dataSync(), w.dataSync())
 * @see heNormal, lecunNormal, initializers
 * @category initializers
 * @since 0.1.0
 */
export const glorotUniform = (key: PRNGKey, shape: readonly number[], options: InitializerOptions = {}): Tensor =>
  varianceScaling('glorotUniform', 1, 'fanAvg', 'uniform', key, shape, options)
