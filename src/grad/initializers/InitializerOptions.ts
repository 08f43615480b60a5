import type { DType } from '../../core/tensor'

/**
 * Options of the variance-scaling initialisers {@link glorotUniform}, {@link heNormal} and {@link lecunNormal}
 * (the keyword arguments of jax.nn.initializers.variance_scaling).
 *
 * fan_in and fan_out are read from the shape: `fanIn = Π shape[inAxis] · r`, `fanOut = Π shape[outAxis] · r`, where
 * the receptive field r is the product of the other dimensions not in `batchAxis`. For a dense `[in, out]` kernel
 * fanIn = shape[0] and fanOut = shape[1]; for a `[h, w, in, out]` convolution kernel r = h·w.
 * @category initializers
 * @since 0.1.0
 */
export interface InitializerOptions {
  /** Element type of the result. @defaultValue 'float32' */
  readonly dtype?: DType
  /** The input axis or axes. @defaultValue -2 */
  readonly inAxis?: number | readonly number[]
  /** The output axis or axes. @defaultValue -1 */
  readonly outAxis?: number | readonly number[]
  /** Axes that count neither as fan nor as receptive field. @defaultValue [] */
  readonly batchAxis?: number | readonly number[]
}
