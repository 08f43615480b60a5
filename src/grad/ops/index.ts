/**
 * Every differentiable op, by name: `import { ops } from 'descent-ts'`, then `ops.exp`, `ops.sum`, `ops.where`, …
 * @since 0.1.0
 */
export { add, sub, mul, div, neg, pow, square, reciprocal, maximum, minimum, clip } from './arithmetic'
export { exp, expm1, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, stopGradient } from './unary'
export { greater, greaterEqual, less, lessEqual, equal, notEqual, where } from './compare'
export {
  reshape,
  transpose,
  broadcastTo,
  expandDims,
  squeeze,
  concat,
  stack,
  slice,
  pad,
  take,
  oneHot,
  cast,
} from './shape'
export {
  type ReduceOptions,
  type AxisOrOptions,
  type NormOptions,
  sum,
  max,
  min,
  mean,
  prod,
  logsumexp,
  norm,
} from './reduce'
export { matmul, dot, outer, linear } from './linalg'
export { relu, leakyRelu, elu, gelu, silu, softplus, softmax, logSoftmax } from './activations'
