import { ShapeError } from '../core/errors'
import type { PRNGKey } from '../core/prng'
import { randomNormal } from '../core/prng'
import type { Tensor } from '../core/tensor'
import { broadcastShapes } from '../kernels/ndarray'
import { add, mul, square, sub } from './ops/arithmetic'
import { sum } from './ops/reduce'
import { exp } from './ops/unary'
import { type TensorLike, dtypeOf, lift } from './tensorLike'

/**
 * A diagonal Gaussian parametrised by its mean and the log of its standard deviation (optax's
 * `MultiNormalDiagFromLogScale`), as returned by {@link multiNormal}.
 * @category grad
 * @since 0.1.0
 */
export interface MultiNormal {
  /** The mean μ. */
  readonly loc: Tensor
  /** log σ, the log of the standard deviation. */
  readonly logScale: Tensor
  /** The broadcast of the shapes of `loc` and `logScale`: the shape of one sample. */
  readonly paramShape: readonly number[]
  /** `[loc, logScale]`, as optax's `params`. */
  readonly params: readonly [Tensor, Tensor]
  /** `shape ⧺ paramShape` samples μ + σ·ε with ε ~ N(0, 1). */
  sample(shape: readonly number[], key: PRNGKey): Tensor
  /** log p(x), summed over the trailing `paramShape` axes (differentiable in x, loc and logScale). */
  logProb(x: TensorLike): Tensor
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI)

/**
 * A diagonal multivariate normal from its mean and log standard deviation (optax.multi_normal): the helper behind
 * perturbation and evolution-strategy gradient estimators. `loc` and `logScale` broadcast against each other (NumPy
 * rules) to the shape of one sample, `paramShape`.
 * ```text
 * σ = exp(logScale)      sample(shape, key) = μ + σ·ε,  ε ~ N(0, I) of shape shape ⧺ paramShape
 * logProb(x) = Σ_{paramShape axes} [ −(x − μ)²/(2σ²) − log σ − ½·log 2π ]
 * ```
 * @param loc - The mean μ.
 * @param logScale - log σ.
 * @returns a {@link MultiNormal}.
 * @throws ShapeError when the shapes of `loc` and `logScale` do not broadcast.
 * @example
 * import { multiNormal, prngKey, tensor } from 'descent-ts'
 * const dist = multiNormal(tensor([1.5, 1.5], 'float64'), tensor([0.5, 0.5], 'float64'))
 * assert.deepStrictEqual(dist.sample([4, 5], prngKey(0)).shape, [4, 5, 2])
 * // Two coordinates at x = 1: 2·(−0.25/(2e) − 0.5 − ½·log 2π)
 * const expected = 2 * (-0.25 / (2 * Math.E) - 0.5 - 0.5 * Math.log(2 * Math.PI))
 * assert.ok(Math.abs(dist.logProb(tensor([1, 1], 'float64')).item() - expected) < 1e-12)
 * @category grad
 * @since 0.1.0
 */
export function multiNormal(loc: TensorLike, logScale: TensorLike): MultiNormal {
  const dtype = dtypeOf(loc, logScale)
  const mu = lift(loc, dtype)
  const logSigma = lift(logScale, dtype)
  const paramShape = broadcastShapes(mu.shape, logSigma.shape)
  if (paramShape === null) {
    throw new ShapeError(
      `multiNormal: incompatible shapes for broadcasting: loc [${mu.shape.join(', ')}] and logScale ` +
        `[${logSigma.shape.join(', ')}]; give them shapes that broadcast (equal, or 1 along the axes that differ).`,
    )
  }
  const sigma = exp(logSigma)
  const axes = Array.from({ length: paramShape.length }, (_, i) => -(i + 1))
  return {
    loc: mu,
    logScale: logSigma,
    paramShape,
    params: [mu, logSigma],
    sample: (shape, key) => add(mul(randomNormal(key, [...shape, ...paramShape], { dtype }), sigma), mu),
    logProb: (x) => {
      const z = square(sub(x, mu))
      const perCoordinate = sub(sub(mul(z, mul(-0.5, exp(mul(-2, logSigma)))), logSigma), HALF_LOG_2PI)
      return axes.length === 0 ? perCoordinate : sum(perCoordinate, axes)
    },
  }
}
