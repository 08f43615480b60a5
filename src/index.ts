/**
 * descent: functional, immutable gradient transformations and optimizers for TypeScript, in the style of optax.
 * Every public export is listed here by name.
 * @since 0.1.0
 * @module descent-ts
 */

// ---- core ----
export {
  DescentError,
  StructureError,
  ShapeError,
  DTypeError,
  InvalidTreeError,
  NonFiniteError,
  HyperparameterError,
  type DescentErrorOptions,
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
  type Leaf,
  type PyTree,
  type MaskTree,
  type MaskOrFn,
  type Schedule,
  type ScalarOrSchedule,
  type ExtraArgs,
  type GradientTransformation,
  type EmptyState,
  initEmptyState,
  identity,
  setToZero,
  stateless,
  statelessWithTreeMap,
  type StateOf,
  chain,
  namedChain,
  applyUpdates,
  incrementalUpdate,
  periodicUpdate,
  powerIteration,
  type PowerIterationOptions,
  matrixInversePthRoot,
  type MatrixInversePthRootOptions,
  nnls,
  hungarianAlgorithm,
  baseHungarianAlgorithm,
  type NnlsOptions,
  safeIncrement,
  safeInt32Increment,
  dual,
  type PRNGKey,
  type UniformOptions,
  type NormalOptions,
  prngKey,
  splitKey,
  randomUniform,
  randomNormal,
  randomBernoulli,
  randomPermutation,
  safeNorm,
  type SafeNormOptions,
  safeRootMeanSquares,
  tree,
  treeMapParams,
} from './core/index'

// ---- transforms, schedules, optimizers: each folder's barrel lists its names once; they are all at the top level ----
export * from './transforms/index'
export * from './schedules/index'
export * as schedules from './schedules/index'
export * from './optimizers/index'

// ---- contrib (optax.contrib; names listed in src/contrib/index.ts) ----
export * as contrib from './contrib/index'

// ---- grad (names listed in src/grad/index.ts; clip, where, sum, max and min only as ops.*) ----
export {
  ops,
  add,
  sub,
  mul,
  div,
  neg,
  pow,
  square,
  reciprocal,
  maximum,
  minimum,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  abs,
  sign,
  sin,
  cos,
  tanh,
  sigmoid,
  stopGradient,
  scaleGradient,
  hessianDiag,
  fisherDiag,
  makePerturbedFun,
  multiNormal,
  type MultiNormal,
  microbatch,
  reshapeBatchAxis,
  microVmap,
  type Accumulator,
  type AccumulatorTree,
  type MicroVmapOptions,
  microGrad,
  type IndividualOutputs,
  type MicroGradOptions,
  type AccumulationType,
  type MicrobatchOptions,
  type MakePerturbedFunOptions,
  type PerturbationNoise,
  greater,
  greaterEqual,
  less,
  lessEqual,
  equal,
  notEqual,
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
  type ReduceOptions,
  type AxisOrOptions,
  type NormOptions,
  mean,
  prod,
  logsumexp,
  norm,
  matmul,
  dot,
  outer,
  linear,
  relu,
  leakyRelu,
  elu,
  gelu,
  silu,
  softplus,
  softmax,
  logSoftmax,
  type TensorLike,
  grad,
  valueAndGrad,
  type GradOptions,
  type GradOf,
  jvp,
  vjp,
  type VjpFn,
  linearize,
  jacfwd,
  type JacobianOptions,
  type Jacobian,
  type JacobianInput,
  type Hessian,
  type LeavesTo,
  jacrev,
  hessian,
  hvp,
  customJvp,
  type JvpRule,
  customVjp,
  type Cotangents,
  checkGrads,
  checkGradsE,
  GradCheckError,
  type CheckGradsOptions,
  type CheckGradsReport,
  checkGradFn,
  checkGradFnE,
  GradFnCheckError,
  type CheckGradFnOptions,
  type CheckGradFnReport,
} from './grad/index'

// ---- losses (their barrel src/grad/losses/index.ts lists them: at the top level and as `losses`, optax.losses) ----
export * from './grad/losses/index'
export * as losses from './grad/losses/index'

// ---- initializers (src/grad/initializers; zeros only as initializers.zeros) ----
export { initializers, type InitializerOptions, glorotUniform, heNormal, lecunNormal } from './grad/index'

// ---- train (src/train) ----
export { type TrainState, initTrainState } from './train/index'
export { healthCheck, diagnosesOf, type HealthCheckState } from './train/index'
export { sharpness, type SharpnessOptions, type MonitorOptions } from './train/index'
export {
  batches,
  type BatchesOptions,
  fit,
  type FitOptions,
  type FitResult,
  type EarlyStoppingOptions,
  type ProgressEvent,
} from './train/index'
export {
  applyGradients,
  type ApplyGradientsOptions,
  trainStep,
  type TrainStepOptions,
  type LossFn,
} from './train/index'
export type { Diagnosis, DiagnosisCode, StepInfo, StepRecord, EpochRecord, History } from './train/index'
export { saveCheckpoint, loadCheckpoint, loadCheckpointE, CheckpointError } from './train/index'
export { saveSafetensors, loadSafetensors, loadSafetensorsE, type SaveSafetensorsOptions } from './train/index'
export { lrFind, type LrFindOptions, type LrFindResult } from './train/index'
export { lossCurveSvg, type LossCurveSvgOptions } from './train/index'

// ---- kernels (backend selection; src/kernels/dispatch.ts) ----
export { setBackend, getBackend, withBackend, type BackendChoice } from './kernels/dispatch'

// ---- projections (src/projections, one namespace as optax.projections) ----
export * as projections from './projections/index'

// ---- experimental (optax.experimental; src/experimental/index.ts) ----
export * as experimental from './experimental/index'
