import type { PRNGKey } from '../../core/prng'
import type { Tensor } from '../../core/tensor'
import type { InitializerOptions } from './InitializerOptions'
import { varianceScaling } from './_internal'

/**
 * He (Kaiming) normal initialiser (jax.nn.initializers.he_normal, i.e.
 * `variance_scaling(2.0, 'fan_in', 'truncated_normal')`): for ReLU layers, variance 2/fanIn.
 *
 * As in JAX, the samples come from a normal truncated at ±2 standard deviations, whose scale is divided by
 * 0.87962566103423978 (the standard deviation of a standard normal truncated to (−2, 2)) so that the variance after
 * truncation is exactly 2/fanIn. fanIn comes from the shape (`shape[0]` for a dense `[in, out]` kernel; see
 * {@link InitializerOptions}). The same key always gives the same tensor.
 * ```text
 * σ = √(2 / fanIn) / 0.8796…      W = σ·z,  z ~ N(0, 1) truncated to (−2, 2)      Var W = 2 / fanIn,  |W| < 2σ
 * ```
 * References: He et al. 2015, https://arxiv.org/abs/1502.01852
 * @returns a tensor of `shape` and `options.dtype`.
 * @example
 * import { heNormal, prngKey } from 'descent-ts'
 * const w = Array.from(heNormal(prngKey(0), [256, 512]).dataSync())
 * const variance = w.reduce((s, v) => s + v * v, 0) / w.length
 * assert.ok(Math.abs(variance / (2 / 256) - 1) < 0.03)
 * const sigma = Math.sqrt(2 / 256) / 0.87962566103423978
 * assert.ok(w.every((v) => Math.abs(v) <= 2 * sigma * (1 + 1e-6)))
 * @see lecunNormal, glorotUniform, initializers
 * @category initializers
 * @since 0.1.0
 */
export const heNormal = (key: PRNGKey, shape: readonly number[], options: InitializerOptions = {}): Tensor =>
  varianceScaling('heNormal', 2, 'fanIn', 'truncatedNormal', key, shape, options)
