/**
 * JVP and VJP rules of the elementwise primitives. Rules are written with ops, so outer transformations trace
 * through them (this is what makes every derivative differentiable again). Binary rules broadcast tangents to the
 * output shape and sum cotangents back to each input's shape.
 * @internal
 */
import { type Tensor, full } from '../../core/tensor'
import { impls } from '../eager'
import { add, div, maximum, minimum, mul, neg, pow, sub } from '../ops/arithmetic'
import { equal, greater, greaterEqual, less, lessEqual, notEqual, where } from '../ops/compare'
import { broadcastIfNeeded, sumTo } from '../ops/reduce'
import { cast } from '../ops/shape'
import { abs, cos, exp, expm1, log, log1p, rsqrt, sigmoid, sign, sin, sqrt, stopGradient, tanh } from '../ops/unary'
import type { PrimitiveParams, Rule, RuleTable } from '../primitives'
import { NO_PARAMS } from '../tensorLike'
import { bind } from '../trace'

type NoParamsRule = Rule<PrimitiveParams['add']>

/** `a + b` where either may be symbolically zero, broadcast to `shape`. */
export function addTangents(a: Tensor | null, b: Tensor | null, shape: readonly number[]): Tensor | null {
  const s = a === null ? b : b === null ? a : add(a, b)
  return s === null ? null : broadcastIfNeeded(s, shape)
}

/** A unary primitive whose derivative is `d(x, y)` (y = the output): JVP `t·d`, VJP `ct·d`. */
const unary = (
  op: (x: Tensor) => Tensor,
  impl: NoParamsRule['impl'],
  d: (x: Tensor, y: Tensor) => Tensor,
): NoParamsRule => ({
  impl,
  jvp: ([x], [t]) => {
    const y = op(x!)
    return [y, t === null || t === undefined ? null : mul(t, d(x!, y))]
  },
  vjp: (ct, [x], y) => [mul(ct, d(x!, y))],
})

/** A primitive with zero derivative everywhere. */
const constant = (op: (...xs: Tensor[]) => Tensor, impl: NoParamsRule['impl']): NoParamsRule => ({
  impl,
  jvp: (xs) => [op(...xs), null],
  vjp: (_ct, xs) => xs.map(() => null),
})

const safeLog = (x: Tensor): Tensor => {
  const zero = equal(x, 0)
  return where(zero, 0, log(where(zero, 1, x)))
}

/** Weights of `a` and `b` in max(a, b) (or min with `less`): 1 where strictly chosen, ½ at ties. */
const chooserWeights = (a: Tensor, b: Tensor, strict: (a: Tensor, b: Tensor) => Tensor): readonly [Tensor, Tensor] => {
  const half = mul(equal(a, b), 0.5)
  return [add(strict(a, b), half), add(strict(b, a), half)]
}

const chooser = (
  op: (a: Tensor, b: Tensor) => Tensor,
  impl: NoParamsRule['impl'],
  strict: (a: Tensor, b: Tensor) => Tensor,
): NoParamsRule => ({
  impl,
  jvp: ([a, b], [ta, tb]) => {
    const y = op(a!, b!)
    const [wa, wb] = chooserWeights(a!, b!, strict)
    return [y, addTangents(ta ? mul(ta, wa) : null, tb ? mul(tb, wb) : null, y.shape)]
  },
  vjp: (ct, [a, b], _y, _p, needs) => {
    const [wa, wb] = chooserWeights(a!, b!, strict)
    return [needs[0] ? sumTo(mul(ct, wa), a!.shape) : null, needs[1] ? sumTo(mul(ct, wb), b!.shape) : null]
  },
})

/** Rules of the elementwise primitives. */
export const elementwiseRules = {
  add: {
    impl: impls.add,
    jvp: ([a, b], [ta, tb]) => {
      const y = add(a!, b!)
      return [y, addTangents(ta ?? null, tb ?? null, y.shape)]
    },
    vjp: (ct, [a, b], _y, _p, needs) => [needs[0] ? sumTo(ct, a!.shape) : null, needs[1] ? sumTo(ct, b!.shape) : null],
  },
  mul: {
    impl: impls.mul,
    jvp: ([a, b], [ta, tb]) => {
      const y = mul(a!, b!)
      return [y, addTangents(ta ? mul(ta, b!) : null, tb ? mul(a!, tb) : null, y.shape)]
    },
    vjp: (ct, [a, b], _y, _p, needs) => [
      needs[0] ? sumTo(mul(ct, b!), a!.shape) : null,
      needs[1] ? sumTo(mul(ct, a!), b!.shape) : null,
    ],
  },
  neg: {
    impl: impls.neg,
    jvp: ([x], [t]) => [neg(x!), t ? neg(t) : null],
    vjp: (ct) => [neg(ct)],
  },
  div: {
    impl: impls.div,
    jvp: ([a, b], [ta, tb]) => {
      const y = div(a!, b!)
      return [y, addTangents(ta ? div(ta, b!) : null, tb ? neg(div(mul(tb, y), b!)) : null, y.shape)]
    },
    vjp: (ct, [a, b], y, _p, needs) => [
      needs[0] ? sumTo(div(ct, b!), a!.shape) : null,
      needs[1] ? sumTo(neg(div(mul(ct, y), b!)), b!.shape) : null,
    ],
  },
  pow: {
    impl: impls.pow,
    // ∂/∂x = y·x^(y−1) (0 where y = 0, as JAX); ∂/∂p = x^p·log x with log 0 taken as 0. Each term is only formed
    // when its input is differentiated, so pow(x, 2) at x < 0 never touches log x.
    jvp: ([x, p], [tx, tp]) => {
      const y = pow(x!, p!)
      const dx = tx ? mul(tx, where(equal(p!, 0), 0, mul(p!, pow(x!, sub(p!, 1))))) : null
      const dp = tp ? mul(tp, mul(y, safeLog(x!))) : null
      return [y, addTangents(dx, dp, y.shape)]
    },
    vjp: (ct, [x, p], y, _p, needs) => [
      needs[0] ? sumTo(mul(ct, where(equal(p!, 0), 0, mul(p!, pow(x!, sub(p!, 1))))), x!.shape) : null,
      needs[1] ? sumTo(mul(ct, mul(y, safeLog(x!))), p!.shape) : null,
    ],
  },
  exp: unary(exp, impls.exp, (_x, y) => y),
  log: unary(log, impls.log, (x) => div(1, x)),
  log1p: unary(log1p, impls.log1p, (x) => div(1, add(x, 1))),
  expm1: unary(expm1, impls.expm1, (_x, y) => add(y, 1)),
  sin: unary(sin, impls.sin, (x) => cos(x)),
  cos: unary(cos, impls.cos, (x) => neg(sin(x))),
  tanh: unary(tanh, impls.tanh, (_x, y) => sub(1, mul(y, y))),
  logistic: unary(sigmoid, impls.logistic, (_x, y) => mul(y, sub(1, y))),
  sqrt: unary(sqrt, impls.sqrt, (_x, y) => div(0.5, y)),
  rsqrt: unary(rsqrt, impls.rsqrt, (x, y) => mul(div(y, x), -0.5)),
  // abs'(0) = sign(0) = 0 (issue 3's convention).
  abs: unary(abs, impls.abs, (x) => sign(x)),
  sign: constant(sign, impls.sign),
  // relu'(x) = [x > 0] (0 at the kink, 1 at NaN, as where(x ≤ 0, 0, x)): applied to a tangent or cotangent by one
  // reluMask pass that reads x, so no mask tensor is ever stored.
  relu: {
    impl: impls.relu,
    jvp: ([x], [t]) => [bind('relu', [x!], NO_PARAMS), t ? bind('reluMask', [t, x!], NO_PARAMS) : null],
    vjp: (ct, [x]) => [bind('reluMask', [ct, x!], NO_PARAMS)],
  },
  // Linear in ct with the constant mask of x: the same pass is its own JVP and VJP; x's derivative is 0 a.e.
  reluMask: {
    impl: impls.reluMask,
    jvp: ([ct, x], [t]) => [bind('reluMask', [ct!, x!], NO_PARAMS), t ? bind('reluMask', [t, x!], NO_PARAMS) : null],
    vjp: (c, [, x], _y, _p, needs) => [needs[0] ? bind('reluMask', [c, x!], NO_PARAMS) : null, null],
  },
  maximum: chooser(maximum, impls.maximum, greater),
  minimum: chooser(minimum, impls.minimum, less),
  select: {
    impl: impls.select,
    jvp: ([c, a, b], [, ta, tb]) => {
      const y = where(c!, a!, b!)
      const t = ta || tb ? where(c!, ta ?? 0, tb ?? 0) : null
      return [y, t === null ? null : broadcastIfNeeded(t, y.shape)]
    },
    vjp: (ct, [c, a, b], _y, _p, needs) => [
      null,
      needs[1] ? sumTo(where(c!, ct, 0), a!.shape) : null,
      needs[2] ? sumTo(where(c!, 0, ct), b!.shape) : null,
    ],
  },
  gt: constant(greater, impls.gt),
  ge: constant(greaterEqual, impls.ge),
  lt: constant(less, impls.lt),
  le: constant(lessEqual, impls.le),
  eq: constant(equal, impls.eq),
  ne: constant(notEqual, impls.ne),
  stopGradient: constant(stopGradient, impls.stopGradient),
  cast: {
    impl: impls.cast,
    jvp: ([x], [t], p) => [cast(x!, p.dtype), t ? cast(t, p.dtype) : null],
    vjp: (ct, [x]) => [cast(ct, x!.dtype)],
  },
} satisfies Partial<RuleTable>

/** Zeros with the shape and dtype of `x` (a constant). */
export const zerosOf = (x: Tensor): Tensor => full(x.shape, 0, x.dtype)
