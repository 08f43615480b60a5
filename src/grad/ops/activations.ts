/**
 * Activation functions and softmax, as in jax.nn, with JAX's conventions at kinks.
 * @since 0.1.0
 */
import type { Tensor } from '../../core/tensor'
import { customJvp } from '../customJvp'
import { bind } from '../trace'
import { NO_PARAMS, type TensorLike, asTensor, normAxes } from '../tensorLike'
import { add, div, maximum, mul, neg, sub } from './arithmetic'
import { greater, greaterEqual, where } from './compare'
import { max, sum } from './reduce'
import { abs, exp, expm1, log1p, sigmoid, stopGradient, tanh } from './unary'

/**
 * Rectified linear unit, `where(x ≤ 0, 0, x)`: **relu'(0) = 0**, as JAX, PyTorch and TF.js. A NaN input stays NaN
 * (NaN ≤ 0 is false), with derivative 1, so a NaN is never silently zeroed; relu(−0) = +0, as IEEE `maximum(−0, 0)`.
 * One primitive: the forward pass is one loop, and its derivative (JVP and VJP) is one more loop that reads the mask
 * from `x` as it goes, with no mask tensor stored.
 * ```text
 * relu(x) = max(x, 0)      relu'(x) = [x > 0]      x̄ = ȳ·[x > 0]
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { grad, relu, tensor } from 'descent-ts'
 * assert.deepStrictEqual(relu(tensor([-1, 0, 2, NaN])).toArray(), [0, 0, 2, NaN])
 * assert.strictEqual(grad((x) => relu(x))(0), 0)
 * @category grad
 * @since 0.1.0
 */
export const relu = (x: TensorLike): Tensor => bind('relu', [asTensor(x)], NO_PARAMS)

/**
 * Leaky ReLU, `where(x ≥ 0, x, α·x)` (jax.nn.leaky_relu; the derivative at 0 is 1).
 * ```text
 * leakyRelu(x) = x ≥ 0 ? x : α·x
 * ```
 * @param negativeSlope - α. @defaultValue 0.01
 * @returns a tensor of the same shape.
 * @example
 * import { leakyRelu, tensor } from 'descent-ts'
 * assert.deepStrictEqual(leakyRelu(tensor([-2, 3], 'float64'), 0.5).toArray(), [-1, 3])
 * @category grad
 * @since 0.1.0
 */
export const leakyRelu = (x: TensorLike, negativeSlope = 0.01): Tensor => {
  const t = asTensor(x)
  return where(greaterEqual(t, 0), t, mul(t, negativeSlope))
}

/**
 * Exponential linear unit (jax.nn.elu); the exponential branch only sees x ≤ 0, so large x never overflows it.
 * ```text
 * elu(x) = x > 0 ? x : α·(eˣ − 1)
 * ```
 * @param alpha - α. @defaultValue 1
 * @returns a tensor of the same shape.
 * @example
 * import { elu, tensor } from 'descent-ts'
 * assert.deepStrictEqual(elu(tensor([0, 2])).toArray(), [0, 2])
 * @category grad
 * @since 0.1.0
 */
export const elu = (x: TensorLike, alpha = 1): Tensor => {
  const t = asTensor(x)
  const pos = greater(t, 0)
  return where(pos, t, mul(expm1(where(pos, 0, t)), alpha))
}

/**
 * Gaussian error linear unit, tanh approximation (jax.nn.gelu's default `approximate=True`).
 * ```text
 * gelu(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { gelu, tensor } from 'descent-ts'
 * assert.ok(Math.abs(gelu(tensor([1], 'float64')).item() - 0.8411919906082768) < 1e-12)
 * @category grad
 * @since 0.1.0
 */
export const gelu = (x: TensorLike): Tensor => {
  const t = asTensor(x)
  const inner = mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI))
  return mul(mul(t, 0.5), add(tanh(inner), 1))
}

/**
 * Sigmoid linear unit (swish).
 * ```text
 * silu(x) = x·σ(x)
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { silu, tensor } from 'descent-ts'
 * assert.deepStrictEqual(silu(tensor([0])).toArray(), [0])
 * @category grad
 * @since 0.1.0
 */
export const silu = (x: TensorLike): Tensor => {
  const t = asTensor(x)
  return mul(t, sigmoid(t))
}

/** softplus as max(x, 0) + log1p(e^−|x|), which neither overflows nor loses small values. */
const softplusValue = (x: Tensor): Tensor => add(maximum(x, 0), log1p(exp(neg(abs(x)))))

const softplusRule = /*#__PURE__*/ customJvp(
  softplusValue,
  ([x], [t]) => [softplusValue(x!), mul(t!, sigmoid(x!))],
  'softplus',
)

/**
 * Softplus, computed stably as `max(x, 0) + log1p(exp(−|x|))` (no overflow for large x). Its derivative is defined
 * by a custom JVP as σ(x), so derivatives of every order are exact, also at 0.
 * ```text
 * softplus(x) = log(1 + eˣ)      softplus'(x) = σ(x)
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { grad, softplus, tensor } from 'descent-ts'
 * assert.deepStrictEqual(softplus(tensor([1000], 'float64')).toArray(), [1000])
 * assert.strictEqual(grad((x) => softplus(x))(0), 0.5)
 * @category grad
 * @since 0.1.0
 */
export const softplus = (x: TensorLike): Tensor => softplusRule(asTensor(x))

/**
 * Softmax along `axis` (default the last), with the maximum subtracted under {@link stopGradient}. Non-finite
 * inputs follow that formula with IEEE rules, as jax.nn.softmax: a slice holding NaN or +∞, or only −∞, is NaN
 * throughout (∞ − ∞ = NaN); −∞ among finite values gives 0 there.
 * ```text
 * softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m)      ∂s = s ⊙ (∂x − Σ s ⊙ ∂x)
 * ```
 * @returns a tensor of the same shape whose slices along `axis` sum to 1.
 * @example
 * import { softmax, tensor } from 'descent-ts'
 * assert.deepStrictEqual(softmax(tensor([0, 0])).toArray(), [0.5, 0.5])
 * @category grad
 * @since 0.1.0
 */
export const softmax = (x: TensorLike, axis: number | readonly number[] = -1): Tensor => {
  const t = asTensor(x)
  const e = exp(sub(t, stopGradient(max(t, { axis, keepDims: true }))))
  return div(e, sum(e, { axis, keepDims: true }))
}

/**
 * Log-softmax along `axis` (default the last), stable for large logits. As {@link softmax}, a slice holding NaN or
 * +∞, or only −∞, is NaN throughout; −∞ among finite values gives −∞ there.
 * ```text
 * logSoftmax(x)ᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m)      ∂ = ∂x − Σ softmax(x) ⊙ ∂x      x̄ = ȳ − softmax(x)·Σ ȳ
 * ```
 * One primitive: two passes over each slice forward (the values of the composed ops, bit for bit), and a backward
 * pass of three ops, with softmax(x) = exp(logSoftmax(x)).
 * @returns a tensor of the same shape.
 * @example
 * import { logSoftmax, tensor } from 'descent-ts'
 * const y = logSoftmax(tensor([1e4, 0], 'float64')).toArray() as number[]
 * assert.deepStrictEqual(y, [0, -1e4])
 * @category grad
 * @since 0.1.0
 */
export const logSoftmax = (x: TensorLike, axis: number | readonly number[] = -1): Tensor => {
  const t = asTensor(x)
  return bind('logSoftmax', [t], { axes: normAxes('logSoftmax', axis, t.shape.length) })
}
