import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus'
import { type DType, type Tensor, arrayTypeOf, fromStorage } from './tensor'
import { HyperparameterError } from './errors'

/**
 * A functional PRNG key, as in JAX: two unsigned 32-bit words. Keys are plain pytrees (arrays of numbers), so they
 * can live in optimizer state and be serialised. The same key always gives the same numbers; split it to get new ones.
 * @category random
 * @since 0.1.0
 */
export type PRNGKey = readonly [number, number]

/**
 * A key from an integer seed (any safe integer).
 * @example
 * import { prngKey } from 'descent-ts'
 * assert.deepStrictEqual(prngKey(42), [0, 42])
 * @category random
 * @since 0.1.0
 */
export function prngKey(seed: number): PRNGKey {
  if (!Number.isSafeInteger(seed)) throw new HyperparameterError(`prngKey seed must be a safe integer; got ${seed}`)
  return [Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0]
}

// xoroshiro's first outputs from low-entropy states are poor, so the key is spread over all four state words and
// the generator is advanced a few steps before use.
function generator(key: PRNGKey) {
  const [a, b] = key
  const g = xoroshiro128plusFromState([a | 0, b | 0, (a ^ 0x9e3779b9) | 0, (b ^ 0x6a09e667) | 0])
  for (let i = 0; i < 8; i++) g.next()
  return g
}

/**
 * `num` new independent keys from one key (the key itself should not be used again).
 * @example
 * import { prngKey, splitKey } from 'descent-ts'
 * const [k1, k2] = splitKey(prngKey(0))
 * assert.notDeepStrictEqual(k1, k2)
 * assert.deepStrictEqual(splitKey(prngKey(0)), splitKey(prngKey(0)))
 * @category random
 * @since 0.1.0
 */
export function splitKey(key: PRNGKey, num = 2): PRNGKey[] {
  const g = generator(key)
  return Array.from({ length: num }, () => [g.next() >>> 0, g.next() >>> 0] as const)
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((x, y) => x * y, 1)

/** @internal Draws `n` uniform float64 values in [0, 1) with 53 random bits each. */
function uniforms(key: PRNGKey, n: number): Float64Array {
  const g = generator(key)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = ((g.next() >>> 5) * 67108864 + (g.next() >>> 6)) / 9007199254740992
  return out
}

/** Options of {@link randomUniform}. @category random @since 0.1.0 */
export interface UniformOptions {
  /** Lower bound (inclusive). @defaultValue 0 */
  readonly minval?: number
  /** Upper bound (exclusive). @defaultValue 1 */
  readonly maxval?: number
  /** @defaultValue 'float32' */
  readonly dtype?: DType
}

/**
 * Uniform samples in `[minval, maxval)`.
 * @example
 * import { prngKey, randomUniform } from 'descent-ts'
 * const x = randomUniform(prngKey(1), [1000], { minval: -1, maxval: 1 })
 * assert.ok(x.dataSync().every((v) => v >= -1 && v < 1))
 * @category random
 * @since 0.1.0
 */
export function randomUniform(key: PRNGKey, shape: readonly number[], options: UniformOptions = {}): Tensor {
  const { minval = 0, maxval = 1, dtype = 'float32' } = options
  const u = uniforms(key, sizeOf(shape))
  const out = new (arrayTypeOf(dtype))(u.length)
  // Rounding to the dtype can land exactly on maxval (e.g. u > 1 − 2⁻²⁵ in float32); keep the bound exclusive.
  const top = maxval > minval ? nextDown(maxval, dtype) : maxval
  for (let i = 0; i < u.length; i++) {
    out[i] = minval + (maxval - minval) * u[i]!
    if (out[i]! >= maxval) out[i] = top
  }
  return fromStorage(out, shape)
}

/** The largest value of `dtype` strictly below the finite number `x`. */
function nextDown(x: number, dtype: DType): number {
  if (dtype === 'float32') {
    const f = new Float32Array([x])
    if (f[0]! < x) return f[0]!
    if (f[0] === 0) return -(2 ** -149)
    const bits = new Int32Array(f.buffer)
    bits[0] = bits[0]! + (f[0]! > 0 ? -1 : 1)
    return f[0]!
  }
  if (x === 0) return -Number.MIN_VALUE
  const f = new Float64Array([x])
  const bits = new BigInt64Array(f.buffer)
  bits[0] = bits[0]! + (x > 0 ? -1n : 1n)
  return f[0]!
}

/** Options of {@link randomNormal}. @category random @since 0.1.0 */
export interface NormalOptions {
  /** @defaultValue 0 */
  readonly mean?: number
  /** @defaultValue 1 */
  readonly stddev?: number
  /** @defaultValue 'float32' */
  readonly dtype?: DType
}

/**
 * Normal samples (Box–Muller).
 * ```text
 * x = mean + stddev·√(−2 ln u₁)·cos(2π u₂),  u₁ ∈ (0, 1], u₂ ∈ [0, 1)
 * ```
 * @example
 * import { prngKey, randomNormal } from 'descent-ts'
 * const x = randomNormal(prngKey(2), [20000]).dataSync()
 * const mean = Array.from(x).reduce((a, b) => a + b, 0) / x.length
 * assert.ok(Math.abs(mean) < 0.05)
 * @category random
 * @since 0.1.0
 */
export function randomNormal(key: PRNGKey, shape: readonly number[], options: NormalOptions = {}): Tensor {
  const { mean = 0, stddev = 1, dtype = 'float32' } = options
  const n = sizeOf(shape)
  const u = uniforms(key, 2 * Math.ceil(n / 2))
  const out = new (arrayTypeOf(dtype))(n)
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u[i]!))
    const theta = 2 * Math.PI * u[i + 1]!
    out[i] = mean + stddev * r * Math.cos(theta)
    if (i + 1 < n) out[i + 1] = mean + stddev * r * Math.sin(theta)
  }
  return fromStorage(out, shape)
}

/**
 * Bernoulli samples: 1 with probability `p`, else 0.
 * @example
 * import { prngKey, randomBernoulli } from 'descent-ts'
 * const x = randomBernoulli(prngKey(3), 0.25, [4000]).dataSync()
 * assert.ok(Math.abs(Array.from(x).reduce((a, b) => a + b, 0) / 4000 - 0.25) < 0.03)
 * @category random
 * @since 0.1.0
 */
export function randomBernoulli(key: PRNGKey, p: number, shape: readonly number[], dtype: DType = 'float32'): Tensor {
  if (!(p >= 0 && p <= 1)) throw new HyperparameterError(`randomBernoulli p must be in [0, 1]; got ${p}`)
  const u = uniforms(key, sizeOf(shape))
  const out = new (arrayTypeOf(dtype))(u.length)
  for (let i = 0; i < u.length; i++) out[i] = u[i]! < p ? 1 : 0
  return fromStorage(out, shape)
}

/**
 * A uniformly random permutation of `0, 1, …, n − 1` (jax.random.permutation of `arange(n)`), by the Fisher–Yates
 * shuffle driven by the key: the same key always gives the same order.
 * ```text
 * for i = n−1 … 1:  j = ⌊u_i·(i + 1)⌋,  swap(π_i, π_j)
 * ```
 * @example
 * import { prngKey, randomPermutation } from 'descent-ts'
 * const p = randomPermutation(prngKey(0), 5)
 * assert.deepStrictEqual([...p].sort(), [0, 1, 2, 3, 4])
 * assert.deepStrictEqual(randomPermutation(prngKey(0), 5), p)
 * @category random
 * @since 0.2.0
 */
export function randomPermutation(key: PRNGKey, n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new HyperparameterError(`randomPermutation n must be an integer ≥ 0; got ${n}`)
  const u = uniforms(key, n)
  const out = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1))
    const t = out[i]!
    out[i] = out[j]!
    out[j] = t
  }
  return out
}
