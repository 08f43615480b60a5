export {
  DescentError,
  StructureError,
  ShapeError,
  DTypeError,
  InvalidTreeError,
  NonFiniteError,
  HyperparameterError,
  type DescentErrorOptions,
} from './errors'
export {
  type DType,
  type NestedArray,
  type Tensor,
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  arange,
  isTensor,
} from './tensor'
export type {
  Leaf,
  PyTree,
  MaskTree,
  MaskOrFn,
  Schedule,
  ScalarOrSchedule,
  ExtraArgs,
  GradientTransformation,
} from './types'
export { type EmptyState, initEmptyState, identity, setToZero, stateless, statelessWithTreeMap } from './base'
export { type StateOf, chain, namedChain } from './chain'
export { applyUpdates, incrementalUpdate } from './applyUpdates'
export { periodicUpdate } from './periodicUpdate'
export { powerIteration, type PowerIterationOptions } from './powerIteration'
export { matrixInversePthRoot, type MatrixInversePthRootOptions } from './matrixInversePthRoot'
export { nnls, type NnlsOptions } from './nnls'
export { hungarianAlgorithm, baseHungarianAlgorithm } from './hungarianAlgorithm'
export { safeIncrement, safeInt32Increment } from './safeIncrement'
export { dual } from './function'
export {
  type PRNGKey,
  type UniformOptions,
  type NormalOptions,
  prngKey,
  splitKey,
  randomUniform,
  randomNormal,
  randomBernoulli,
  randomPermutation,
} from './prng'
export { safeNorm, type SafeNormOptions, safeRootMeanSquares } from './numerics'
export { treeMapParams } from './treeMapParams'
export * as tree from './tree'
