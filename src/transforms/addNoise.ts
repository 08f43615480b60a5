import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import { type PRNGKey, prngKey, randomNormal, splitKey } from '../core/prng'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

const STATE: StateSpec = {
  count: 'count',
  rngKey: [
    (k) => (Number.isInteger(k) ? undefined : 'an integer'),
    (k) => (Number.isInteger(k) ? undefined : 'an integer'),
  ],
}

/**
 * Options of {@link addNoise}.
 * @category transforms
 * @since 0.1.0
 */
export interface AddNoiseOptions {
  /**
   * Base variance η of the Gaussian noise; ≥ 0.
   * @defaultValue required
   */
  readonly eta: number
  /**
   * Decay exponent γ of the variance; ≥ 0.
   * @defaultValue required
   */
  readonly gamma: number
  /**
   * The random key (a {@link PRNGKey}) or an integer seed. optax warns when it is missing and uses 0; so does this.
   * @defaultValue 0
   */
  readonly key?: PRNGKey | number | undefined
}

/**
 * State of {@link addNoise}: the step count and the random key (a plain pytree of two numbers).
 * @category transforms
 * @since 0.1.0
 */
export interface AddNoiseState {
  /** Number of updates done so far. */
  readonly count: number
  /** The key that the next update splits. */
  readonly rngKey: PRNGKey
}

const checkKey = (key: unknown): PRNGKey => {
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key))
      throw new HyperparameterError(`addNoise options.key must be a safe integer seed or a PRNGKey; got ${key}`)
    return prngKey(key)
  }
  const ok = Array.isArray(key) && key.length === 2 && key.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
  if (!ok)
    throw new HyperparameterError(
      `addNoise options.key must be an integer seed or a PRNGKey [uint32, uint32]; got ${String(key)}`,
    )
  return [key[0], key[1]] as PRNGKey
}

/** Standard normal noise with the structure, shapes and dtypes of `t`, one key per leaf. */
function normalLike<T extends PyTree>(key: PRNGKey, t: T): T {
  const n = tree.leaves(t).length
  const keys = splitKey(key, Math.max(n, 1))
  let i = 0
  return tree.map((l: Leaf) => {
    const k = keys[i++]!
    return typeof l === 'number'
      ? randomNormal(k, [], { dtype: 'float64' }).item()
      : randomNormal(k, l.shape, { dtype: l.dtype })
  }, t)
}

/**
 * Adds annealed Gaussian noise to the updates (Neelakantan et al.).
 *
 * The variance decays as η/tᵞ with t = count + 1, so the first update gets variance η. Each update splits the key in
 * the state into the next key and a sample key, as optax does; the noise therefore depends only on the key and the
 * step, and the same key gives the same sequence. The numbers differ from JAX's (a different generator). The
 * standard deviation is computed in float64; the noise has each leaf's dtype.
 *
 * ```text
 * t = count + 1,   σ_t = √(η / tᵞ)
 * (key_{t+1}, k) = split(key_t)
 * u = g + σ_t · N(0, 1)            (noise drawn from k, one sub-key per leaf)
 * ```
 *
 * References: Neelakantan et al. 2015, Adding Gradient Noise Improves Learning for Very Deep Networks,
 * https://arxiv.org/abs/1511.06807
 *
 * @param eta - The base variance, positionally (then `gamma` second) or in {@link AddNoiseOptions}.
 * @param gamma - The decay exponent.
 * @param options - `{ key }` when `eta` and `gamma` are given positionally.
 * @returns A {@link GradientTransformation} whose state is an {@link AddNoiseState}.
 * @throws HyperparameterError when `eta` or `gamma` is negative or not finite, or the key is invalid.
 * @example
 * import { addNoise, tensor } from 'descent-ts'
 * const tx = addNoise({ eta: 0.01, gamma: 0.55, key: 42 })
 * const g = { w: tensor([1, 2, 3]) }
 * const [u1, s1] = tx.update(g, tx.init(g))
 * const [u2] = tx.update(g, s1)
 * assert.notDeepStrictEqual(u1.w.toArray(), u2.w.toArray()) // a fresh key each step
 * assert.deepStrictEqual(tx.update(g, tx.init(g))[0].w.toArray(), u1.w.toArray()) // deterministic
 * assert.ok(u1.w.dataSync().every((x, i) => Math.abs(x - (i + 1)) < 0.6)) // σ₁ = 0.1
 * @see noisySgd
 * @category transforms
 * @since 0.1.0
 */
export function addNoise(
  eta: number,
  gamma: number,
  options?: Pick<AddNoiseOptions, 'key'>,
): GradientTransformation<AddNoiseState>
export function addNoise(options: AddNoiseOptions): GradientTransformation<AddNoiseState>
export function addNoise(
  eta: number | AddNoiseOptions,
  gamma?: number,
  rest: Pick<AddNoiseOptions, 'key'> = {},
): GradientTransformation<AddNoiseState> {
  const positional = typeof eta !== 'object' || eta === null
  const options: AddNoiseOptions = positional ? { ...rest, eta: eta as number, gamma: gamma as number } : eta
  const prefix = positional ? '' : 'options.'
  const e = checkInRange('addNoise', `${prefix}eta`, options.eta, '[0, Infinity)')
  const g = checkInRange('addNoise', `${prefix}gamma`, options.gamma, '[0, Infinity)')
  const key = checkKey(options.key ?? 0)
  return {
    init: (params) => (checkParams('addNoise.init', params), { count: 0, rngKey: key }),
    update: (updates, state, params) => {
      checkState('addNoise', state, STATE, updates, params)
      const t = state.count + 1
      const std = Math.sqrt(e / t ** g)
      const [rngKey, sampleKey] = splitKey(state.rngKey) as [PRNGKey, PRNGKey]
      const noise = normalLike(sampleKey, updates)
      const out = tree.mapElementwiseNamed(['updates', 'noise'], (x, n) => x + std * n, updates, noise)
      return [out, { count: t, rngKey }]
    },
  }
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(addNoise, 2, {}, ['eta', 'gamma'])
