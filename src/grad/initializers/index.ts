/**
 * Weight initialisers from a PRNG key, as jax.nn.initializers: `initializers.heNormal(key, [784, 128])`.
 * @since 0.1.0
 */
export { type InitializerOptions } from './InitializerOptions'
export { glorotUniform } from './glorotUniform'
export { heNormal } from './heNormal'
export { lecunNormal } from './lecunNormal'
export { zeros } from './zeros'
