import { checkInRange, checkInteger } from '../core/hyperparams'
import { type PRNGKey, randomNormal, randomUniform, splitKey } from '../core/prng'
import { type DType, type Tensor, fromStorage, arrayTypeOf } from '../core/tensor'
import { add, div, mul, neg, sub } from './ops/arithmetic'
import { sum } from './ops/reduce'
import { exp, stopGradient } from './ops/unary'
import type { TensorLike } from './tensorLike'

/**
 * A noise distribution for {@link makePerturbedFun}: a sampler and its log-density (up to a constant).
 * @category grad
 * @since 0.2.0
 */
export interface PerturbationNoise {
  readonly sample: (key: PRNGKey, shape: readonly number[], dtype: DType) => Tensor
  readonly logProb: (z: Tensor) => Tensor
}

const NORMAL: PerturbationNoise = {
  sample: (key, shape, dtype) => randomNormal(key, shape, { dtype }),
  logProb: (z) => mul(mul(z, z), -0.5),
}

const GUMBEL: PerturbationNoise = {
  sample: (key, shape, dtype) => {
    const u = randomUniform(key, shape, { dtype: 'float64' }).data
    // u ∈ [0, 1): u = 0 would give −log(−log 0) = −∞, so it is nudged to the smallest positive double.
    return fromStorage(
      arrayTypeOf(dtype).from(Array.from(u, (v) => -Math.log(-Math.log(v > 0 ? v : Number.MIN_VALUE)))),
      shape,
    )
  },
  logProb: (z) => sub(neg(z), exp(neg(z))),
}

/**
 * Options of {@link makePerturbedFun}.
 * @category grad
 * @since 0.2.0
 */
export interface MakePerturbedFunOptions {
  /** Monte-Carlo samples per call. @defaultValue 1000 */
  readonly numSamples?: number
  /** Scale σ of the perturbation. @defaultValue 0.1 */
  readonly sigma?: number
  /** `'gumbel'`, `'normal'` or a {@link PerturbationNoise}. @defaultValue 'gumbel' */
  readonly noise?: 'gumbel' | 'normal' | PerturbationNoise
  /** Subtract f(x) as a control variate in the gradient estimator. @defaultValue true */
  readonly useBaseline?: boolean
}

/**
 * A stochastic smoothing of `fun` (optax.perturbations.make_perturbed_fun; Berthet et al. 2020,
 * https://arxiv.org/abs/2002.08676): the mean of f(x + σZ) over `numSamples` noise draws, whose gradient (through
 * `grad`) is the score-function estimator, so that piecewise-constant functions such as argmax get useful gradients.
 * ```text
 * f_σ(x) = E[f(x + σZ)]        ∇f_σ(x) = E[f(x + σZ)·∇ₓ log p((x + σZ − x)/σ)] ≈ (1/N)·Σ (f(x + σzᵢ) − f(x))·(−∇log p(zᵢ))/σ
 * ```
 * @returns `(key, x) => f_σ(x)`, a Monte-Carlo estimate differentiable with `grad`.
 * @throws HyperparameterError when `numSamples` < 1 or σ ≤ 0.
 * @example
 * import { grad, makePerturbedFun, ops, prngKey, tensor } from 'descent-ts'
 * // f(x) = 1 if x > 0: smoothed with normal noise, f_σ(x) = Φ(x/σ) and f_σ′(0) = 1/(σ√(2π)) ≈ 3.99 for σ = 0.1
 * const step = (x: ReturnType<typeof tensor>) => ops.greater(x, 0)
 * const f = makePerturbedFun(step, { numSamples: 4000, sigma: 0.1, noise: 'normal' })
 * const g = grad((x: ReturnType<typeof tensor>) => ops.sum(f(prngKey(0), x)))(tensor([0], 'float64'))
 * assert.ok(Math.abs((g.toArray() as number[])[0]! - 1 / (0.1 * Math.sqrt(2 * Math.PI))) < 0.3)
 * @category grad
 * @since 0.2.0
 */
export function makePerturbedFun(
  fun: (x: Tensor) => TensorLike,
  options: MakePerturbedFunOptions = {},
): (key: PRNGKey, x: Tensor) => Tensor {
  const owner = 'makePerturbedFun'
  const numSamples = checkInteger(owner, 'options.numSamples', options.numSamples ?? 1000, '[1, Infinity)')
  const sigma = checkInRange(owner, 'options.sigma', options.sigma ?? 0.1, '(0, Infinity)')
  const noiseOpt = options.noise ?? 'gumbel'
  const noise = noiseOpt === 'gumbel' ? GUMBEL : noiseOpt === 'normal' ? NORMAL : noiseOpt
  const useBaseline = options.useBaseline ?? true
  return (key, x) => {
    const baseline = useBaseline ? fun(stopGradient(x)) : 0
    let total: Tensor | undefined
    for (const k of splitKey(key, numSamples)) {
      const z = noise.sample(k, x.shape, x.dtype)
      const shifted = stopGradient(add(x, mul(z, sigma)))
      const sample = div(sub(shifted, x), sigma)
      const logp = sum(noise.logProb(sample))
      const box = exp(sub(logp, stopGradient(logp)))
      let out = mul(box, fun(shifted))
      if (useBaseline) out = add(out, mul(sub(1, box), baseline))
      total = total === undefined ? out : add(total, out)
    }
    return div(total!, numSamples)
  }
}
