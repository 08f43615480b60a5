/**
 * Autodiff: differentiable ops and the transformations grad, valueAndGrad, jvp, vjp, linearize, jacfwd, jacrev,
 * hessian, hvp, customJvp and customVjp.
 * @since 0.1.0
 */
export * as ops from './ops/index'
export { add, sub, mul, div, neg, pow, square, reciprocal, maximum, minimum, clip } from './ops/arithmetic'
export { exp, expm1, log, log1p, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid, stopGradient } from './ops/unary'
export { greater, greaterEqual, less, lessEqual, equal, notEqual, where } from './ops/compare'
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
} from './ops/shape'
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
} from './ops/reduce'
export { matmul, dot, outer, linear } from './ops/linalg'
export { relu, leakyRelu, elu, gelu, silu, softplus, softmax, logSoftmax } from './ops/activations'
export { type TensorLike } from './tensorLike'
export { grad } from './grad'
export { valueAndGrad, type GradOptions, type GradOf } from './valueAndGrad'
export { jvp } from './jvp'
export { vjp, type VjpFn } from './vjp'
export { linearize } from './linearize'
export { jacfwd, type JacobianOptions } from './jacfwd'
export type { Hessian, Jacobian, JacobianInput, LeavesTo } from './jacobianTypes'
export { jacrev } from './jacrev'
export { hessian } from './hessian'
export { hvp } from './hvp'
export { customJvp, type JvpRule } from './customJvp'
export { customVjp, type Cotangents } from './customVjp'
export { checkGrads, checkGradsE, type CheckGradsOptions, type CheckGradsReport } from './checkGrads'
export { GradCheckError } from './gradCheckError'
export { checkGradFn, checkGradFnE, type CheckGradFnOptions, type CheckGradFnReport } from './checkGradFn'
export { GradFnCheckError } from './gradFnCheckError'
export { scaleGradient } from './scaleGradient'
export { hessianDiag, fisherDiag } from './hessianDiag'
export { makePerturbedFun, type MakePerturbedFunOptions, type PerturbationNoise } from './makePerturbedFun'
export { multiNormal, type MultiNormal } from './multiNormal'
export { microbatch, reshapeBatchAxis, type AccumulationType, type MicrobatchOptions } from './microbatch'
export { type Accumulator } from './accumulator'
export { microVmap, type AccumulatorTree, type MicroVmapOptions } from './microVmap'
export { microGrad, type IndividualOutputs, type MicroGradOptions } from './microGrad'
export * from './losses/index'
export * as losses from './losses/index'
export * as initializers from './initializers/index'
export { type InitializerOptions } from './initializers/InitializerOptions'
export { glorotUniform } from './initializers/glorotUniform'
export { heNormal } from './initializers/heNormal'
export { lecunNormal } from './initializers/lecunNormal'
