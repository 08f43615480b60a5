/**
 * Variance scaling (jax.nn.initializers.variance_scaling) and the truncated normal sampler behind it.
 * @internal
 */
import { ShapeError } from '../../core/errors'
import { type PRNGKey, randomNormal, randomUniform, splitKey } from '../../core/prng'
import { type Tensor, arrayTypeOf, fromStorage } from '../../core/tensor'
import { normAxis, shapeStr } from '../tensorLike'
import type { InitializerOptions } from './InitializerOptions'

/** Checks that `shape` is a list of non-negative integers. */
export function checkShape(owner: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`${owner}: shape must be an array of non-negative integers; got ${String(shape)}.`)
  }
}

const prod = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1)

/** [fanIn, fanOut] of a weights shape, as JAX's `_compute_fans`. */
export function computeFans(owner: string, shape: readonly number[], options: InitializerOptions): [number, number] {
  const { inAxis, outAxis = -1, batchAxis = [] } = options
  if (inAxis === undefined && shape.length <= 1) {
    throw new ShapeError(
      `${owner}: cannot compute fan_in and fan_out of a ${shape.length}-d shape ` +
        `${shapeStr(shape)} with the default inAxis; use a shape of rank ≥ 2 or give options.inAxis.`,
    )
  }
  const axes = (a: number | readonly number[]): number[] =>
    (typeof a === 'number' ? [a] : [...a]).map((i) => normAxis(owner, i, shape.length))
  const size = (a: number | readonly number[]): number => prod(axes(a).map((i) => shape[i]!))
  const inSize = size(inAxis ?? -2)
  const outSize = size(outAxis)
  const receptive = prod(shape) / inSize / outSize / size(batchAxis)
  return [inSize * receptive, outSize * receptive]
}

// Standard deviation of a standard normal truncated to (−2, 2): √(1 − 4φ(2)/(Φ(2) − Φ(−2))), the constant JAX uses.
const TRUNCATED_STDDEV = 0.87962566103423978

/**
 * `n` samples of a standard normal truncated to (−2, 2), by rejection from {@link randomNormal}: each round draws
 * from a fresh subkey and keeps the samples inside the interval (95.4% of them), so the result depends only on `key`.
 */
export function truncatedNormal(key: PRNGKey, n: number): Float64Array {
  const out = new Float64Array(n)
  let filled = 0
  let k = key
  while (filled < n) {
    const [next, sub] = splitKey(k) as [PRNGKey, PRNGKey]
    k = next
    const z = randomNormal(sub, [Math.ceil((n - filled) / 0.95) + 16], { dtype: 'float64' }).data
    for (let i = 0; i < z.length && filled < n; i++) if (Math.abs(z[i]!) < 2) out[filled++] = z[i]!
  }
  return out
}

/** Samples of jax.nn.initializers.variance_scaling(scale, mode, distribution)(key, shape, dtype). */
export function varianceScaling(
  owner: string,
  scale: number,
  mode: 'fanIn' | 'fanAvg',
  distribution: 'truncatedNormal' | 'uniform',
  key: PRNGKey,
  shape: readonly number[],
  options: InitializerOptions,
): Tensor {
  checkShape(owner, shape)
  const [fanIn, fanOut] = computeFans(owner, shape, options)
  const variance = scale / (mode === 'fanIn' ? fanIn : (fanIn + fanOut) / 2)
  const dtype = options.dtype ?? 'float32'
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance)
    return randomUniform(key, shape, { minval: -limit, maxval: limit, dtype })
  }
  const stddev = Math.sqrt(variance) / TRUNCATED_STDDEV
  const z = truncatedNormal(key, prod(shape))
  return fromStorage(new (arrayTypeOf(dtype))(z.map((v) => v * stddev)), shape)
}
