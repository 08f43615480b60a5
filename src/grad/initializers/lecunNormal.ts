import type { PRNGKey } from '../../core/prng'
import type { Tensor } from '../../core/tensor'
import type { InitializerOptions } from './InitializerOptions'
import { varianceScaling } from './_internal'

/**
 * LeCun normal initialiser (jax.nn.initializers.lecun_normal, i.e.
 * `variance_scaling(1.0, 'fan_in', 'truncated_normal')`): variance 1/fanIn, as for SELU or tanh layers.
 *
 * The samples come from a normal truncated at ±2 standard deviations, rescaled by 1/0.87962566103423978 so that the
 * variance after truncation is exactly 1/fanIn (as JAX does). See {@link heNormal}, which is the same with scale 2.
 * ```text
 * σ = √(1 / fanIn) / 0.8796…      W = σ·z,  z ~ N(0, 1) truncated to (−2, 2)      Var W = 1 / fanIn,  |W| < 2σ
 * ```
 * References: Klambauer et al. 2017, https://arxiv.org/abs/1706.02515
 * @returns a tensor of `shape` and `options.dtype`.
 * @example
 * import { lecunNormal, prngKey } from 'descent-ts'
 * const w = lecunNormal(prngKey(1), [100, 10], { dtype: 'float64' })
 * assert.strictEqual(w.dtype, 'float64')
 * const sigma = Math.sqrt(1 / 100) / 0.87962566103423978
 * assert.ok(w.dataSync().every((v) => Math.abs(v) < 2 * sigma))
 * @see heNormal, glorotUniform, initializers
 * @category initializers
 * @since 0.1.0
 */
export const lecunNormal = (key: PRNGKey, shape: readonly number[], options: InitializerOptions = {}): Tensor =>
  varianceScaling('lecunNormal', 1, 'fanIn', 'truncatedNormal', key, shape, options)
