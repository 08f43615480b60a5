/**
 * Elementwise unary math. A number argument gives a float32 0-d tensor.
 * @since 0.1.0
 */
import type { Tensor } from '../../core/tensor'
import type { Primitive } from '../primitives'
import { bind } from '../trace'
import { NO_PARAMS, type TensorLike, liftAll } from '../tensorLike'

type UnaryPrimitive = Primitive &
  (
    | 'exp'
    | 'log'
    | 'log1p'
    | 'expm1'
    | 'sin'
    | 'cos'
    | 'tanh'
    | 'logistic'
    | 'sqrt'
    | 'rsqrt'
    | 'abs'
    | 'sign'
    | 'stopGradient'
  )

/** @internal A unary primitive as an op. */
export const unaryOp =
  (prim: UnaryPrimitive) =>
  (x: TensorLike): Tensor =>
    bind(prim, liftAll(x), NO_PARAMS)

/**
 * Elementwise `eˣ`.
 * ```text
 * d/dx eˣ = eˣ
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { exp, tensor } from 'descent-ts'
 * assert.deepStrictEqual(exp(tensor([0], 'float64')).toArray(), [1])
 * @category grad
 * @since 0.1.0
 */
export const exp: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('exp')

/**
 * Elementwise `eˣ − 1`, accurate for small x.
 * ```text
 * d/dx (eˣ − 1) = eˣ
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { expm1, tensor } from 'descent-ts'
 * assert.ok(Math.abs(expm1(tensor([1e-10], 'float64')).item() - 1e-10) < 1e-20)
 * @category grad
 * @since 0.1.0
 */
export const expm1: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('expm1')

/**
 * Elementwise natural logarithm (`−Infinity` at 0, NaN below).
 * ```text
 * d/dx log x = 1/x
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { log, tensor } from 'descent-ts'
 * assert.deepStrictEqual(log(tensor([1], 'float64')).toArray(), [0])
 * @category grad
 * @since 0.1.0
 */
export const log: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('log')

/**
 * Elementwise `log(1 + x)`, accurate for small x.
 * ```text
 * d/dx log(1 + x) = 1/(1 + x)
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { log1p, tensor } from 'descent-ts'
 * assert.ok(Math.abs(log1p(tensor([1e-10], 'float64')).item() - 1e-10) < 1e-20)
 * @category grad
 * @since 0.1.0
 */
export const log1p: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('log1p')

/**
 * Elementwise square root. Its derivative is infinite at 0 (so the gradient of `sqrt(sum(x²))` at x = 0 is NaN).
 * ```text
 * d/dx √x = 1/(2√x)
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { sqrt, tensor } from 'descent-ts'
 * assert.deepStrictEqual(sqrt(tensor([4, 9])).toArray(), [2, 3])
 * @category grad
 * @since 0.1.0
 */
export const sqrt: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('sqrt')

/**
 * Elementwise reciprocal square root.
 * ```text
 * rsqrt(x) = 1/√x      d/dx = −½·x^(−3/2)
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { rsqrt, tensor } from 'descent-ts'
 * assert.deepStrictEqual(rsqrt(tensor([4, 0.25])).toArray(), [0.5, 2])
 * @category grad
 * @since 0.1.0
 */
export const rsqrt: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('rsqrt')

/**
 * Elementwise absolute value. Its derivative is `sign(x)`, so **abs'(0) = 0** (the convention of issue 3 and
 * PyTorch; JAX uses +1 at 0).
 * ```text
 * d/dx |x| = sign(x)
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { abs, grad, tensor } from 'descent-ts'
 * assert.deepStrictEqual(abs(tensor([-2, 3])).toArray(), [2, 3])
 * assert.strictEqual(grad((x) => abs(x))(0), 0)
 * @category grad
 * @since 0.1.0
 */
export const abs: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('abs')

/**
 * Elementwise sign: −1, ±0 or +1 (NaN stays NaN, and sign(−0) = −0, as XLA; NumPy gives +0). Its derivative is
 * zero everywhere.
 * ```text
 * sign(x) = [x > 0] − [x < 0]
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { sign, tensor } from 'descent-ts'
 * assert.deepStrictEqual(sign(tensor([-2, 0, 3])).toArray(), [-1, 0, 1])
 * @category grad
 * @since 0.1.0
 */
export const sign: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('sign')

/**
 * Elementwise sine.
 * ```text
 * d/dx sin x = cos x
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { sin, tensor } from 'descent-ts'
 * assert.deepStrictEqual(sin(tensor([0])).toArray(), [0])
 * @category grad
 * @since 0.1.0
 */
export const sin: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('sin')

/**
 * Elementwise cosine.
 * ```text
 * d/dx cos x = −sin x
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { cos, tensor } from 'descent-ts'
 * assert.deepStrictEqual(cos(tensor([0])).toArray(), [1])
 * @category grad
 * @since 0.1.0
 */
export const cos: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('cos')

/**
 * Elementwise hyperbolic tangent.
 * ```text
 * d/dx tanh x = 1 − tanh² x
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { tanh, tensor } from 'descent-ts'
 * assert.deepStrictEqual(tanh(tensor([0])).toArray(), [0])
 * @category grad
 * @since 0.1.0
 */
export const tanh: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('tanh')

/**
 * Elementwise logistic sigmoid, computed stably for large |x| (no overflow of `e^{−x}`).
 * ```text
 * σ(x) = 1/(1 + e^{−x})      σ'(x) = σ(x)(1 − σ(x))
 * ```
 * @returns a tensor of the same shape.
 * @example
 * import { sigmoid, tensor } from 'descent-ts'
 * assert.deepStrictEqual(sigmoid(tensor([0, -1000, 1000])).toArray(), [0.5, 0, 1])
 * @category grad
 * @since 0.1.0
 */
export const sigmoid: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('logistic')

/**
 * The identity on values whose derivative is zero (jax.lax.stop_gradient): no transformation differentiates
 * through it, at any order.
 * ```text
 * stopGradient(x) = x      d/dx = 0
 * ```
 * @returns `x`'s value, treated as a constant.
 * @example
 * import { grad, mul, stopGradient } from 'descent-ts'
 * // d/dx [x · sg(x)] = sg(x) = 3
 * assert.strictEqual(grad((x) => mul(x, stopGradient(x)))(3), 3)
 * @category grad
 * @since 0.1.0
 */
export const stopGradient: (x: TensorLike) => Tensor = /*#__PURE__*/ unaryOp('stopGradient')
