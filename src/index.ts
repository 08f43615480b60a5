/**
 * descent: functional, immutable gradient transformations and optimizers for TypeScript, in the style of optax.
 * Every public export is listed here by name.
 * @since 0.1.0
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
  safeRootMeanSquares,
  tree,
  treeMapParams,
} from './core/index'

// ---- transforms (names listed in src/transforms/index.ts) ----
export { scale, type ScaleOptions } from './transforms/scale'
export { scaleBySchedule, type ScaleByScheduleOptions, type ScaleByScheduleState } from './transforms/scaleBySchedule'
export {
  scaleByLearningRate,
  type ScaleByLearningRateOptions,
  type ScaleByLearningRateState,
} from './transforms/scaleByLearningRate'
export { clip, type ClipOptions } from './transforms/clip'
export {
  clipByGlobalNorm,
  type ClipByGlobalNormOptions,
  type ClipByGlobalNormState,
} from './transforms/clipByGlobalNorm'
export { trace, type TraceOptions, type TraceState } from './transforms/trace'
export { ema, type EmaOptions, type EmaState } from './transforms/ema'
export {
  addDecayedWeights,
  addDecoupledWeightDecay,
  type AddDecayedWeightsOptions,
  type AddDecayedWeightsState,
} from './transforms/addDecayedWeights'
export { masked, type MaskedState } from './transforms/masked'
export { applyIfFinite, type ApplyIfFiniteOptions, type ApplyIfFiniteState } from './transforms/applyIfFinite'
export { applyEvery, type ApplyEveryOptions, type ApplyEveryState } from './transforms/applyEvery'
export {
  conditionallyTransform,
  type ConditionFn,
  type ConditionallyTransformOptions,
  type ConditionallyTransformState,
} from './transforms/conditionallyTransform'
export { conditionallyMask, type ConditionallyMaskState } from './transforms/conditionallyMask'
export {
  multiSteps,
  multiStepsHasUpdated,
  type MultiStepsOptions,
  type MultiStepsState,
  type ShouldSkipUpdateFn,
} from './transforms/multiSteps'
export { multiTransform, partition, type LabelTree, type MultiTransformState } from './transforms/multiTransform'
export { freeze } from './transforms/freeze'
export { selectiveTransform, type SelectiveTransformOptions } from './transforms/selectiveTransform'
export {
  lookahead,
  type LookaheadOptions,
  type LookaheadParams,
  type LookaheadState,
  type LookaheadTransformation,
} from './transforms/lookahead'
export { lookaheadParams } from './transforms/lookaheadParams'
export { withExtraArgs } from './transforms/withExtraArgs'
export {
  injectHyperparams,
  type InjectableArgs,
  type InjectHyperparamsOptions,
  type InjectHyperparamsState,
} from './transforms/injectHyperparams'
export { reduceOnPlateau, type ReduceOnPlateauOptions, type ReduceOnPlateauState } from './transforms/reduceOnPlateau'
export { scaleByLbfgs, type ScaleByLbfgsOptions, type ScaleByLbfgsState } from './transforms/scaleByLbfgs'
export {
  scaleByZoomLinesearch,
  type ScaleByZoomLinesearchOptions,
  type ScaleByZoomLinesearchState,
  type ZoomLinesearchInfo,
} from './transforms/scaleByZoomLinesearch'
export { valueAndGradFromState } from './transforms/valueAndGradFromState'
export { scaleByAdam, type ScaleByAdamOptions, type ScaleByAdamState } from './transforms/scaleByAdam'
export { scaleByAmsgrad, type ScaleByAmsgradOptions, type ScaleByAmsgradState } from './transforms/scaleByAmsgrad'
export { scaleByRms, type ScaleByRmsOptions, type ScaleByRmsState } from './transforms/scaleByRms'
export { scaleByStddev, type ScaleByStddevOptions, type ScaleByStddevState } from './transforms/scaleByStddev'
export { scaleByRss, type ScaleByRssOptions, type ScaleByRssState } from './transforms/scaleByRss'
export {
  scaleByFactoredRms,
  type ScaleByFactoredRmsOptions,
  type ScaleByFactoredRmsState,
} from './transforms/scaleByFactoredRms'
export { clipByBlockRms, type ClipByBlockRmsOptions } from './transforms/clipByBlockRms'
export { scaleByParamBlockRms, type ScaleByParamBlockRmsOptions } from './transforms/scaleByParamBlockRms'
export { scaleByParamBlockNorm, type ScaleByParamBlockNormOptions } from './transforms/scaleByParamBlockNorm'
export { scaleByTrustRatio, type ScaleByTrustRatioOptions } from './transforms/scaleByTrustRatio'
export { addNoise, type AddNoiseOptions, type AddNoiseState } from './transforms/addNoise'
export { centralize } from './transforms/centralize'
export { keepParamsNonnegative } from './transforms/keepParamsNonnegative'
export { zeroNans, type ZeroNansState } from './transforms/zeroNans'
export { adaptiveGradClip, type AdaptiveGradClipOptions } from './transforms/adaptiveGradClip'
export { unitwiseNorm } from './transforms/unitwiseNorm'
export { unitwiseClip } from './transforms/unitwiseClip'
export { skipNotFinite } from './transforms/skipNotFinite'
export { skipLargeUpdates } from './transforms/skipLargeUpdates'
export { perExampleGlobalNormClip } from './transforms/perExampleGlobalNormClip'
export { perExampleLayerNormClip } from './transforms/perExampleLayerNormClip'
export { flatten } from './transforms/flatten'
export { measureWithEma, type MeasureWithEmaOptions } from './transforms/measureWithEma'
export { normalizeByUpdateNorm, type NormalizeByUpdateNormOptions } from './transforms/normalizeByUpdateNorm'
export { snapshot, type SnapshotOptions, type SnapshotState } from './transforms/snapshot'
export { monitor, type Measure, type MonitorState } from './transforms/monitor'
export { scaleBySm3, type ScaleBySm3Options, type ScaleBySm3State } from './transforms/scaleBySm3'
export { scaleByAdamax, type ScaleByAdamaxOptions, type ScaleByAdamaxState } from './transforms/scaleByAdamax'
export { scaleByRadam, type ScaleByRadamOptions, type ScaleByRadamState } from './transforms/scaleByRadam'
export { scaleByBelief, type ScaleByBeliefOptions, type ScaleByBeliefState } from './transforms/scaleByBelief'
export { scaleByYogi, type ScaleByYogiOptions, type ScaleByYogiState } from './transforms/scaleByYogi'
export { scaleByLion, type ScaleByLionOptions, type ScaleByLionState } from './transforms/scaleByLion'
export { scaleByNovograd, type ScaleByNovogradOptions, type ScaleByNovogradState } from './transforms/scaleByNovograd'
export { scaleByAdadelta, type ScaleByAdadeltaOptions, type ScaleByAdadeltaState } from './transforms/scaleByAdadelta'
export { scaleByRprop, type ScaleByRpropOptions, type ScaleByRpropState } from './transforms/scaleByRprop'
export {
  scaleByOptimisticGradient,
  type ScaleByOptimisticGradientOptions,
  type ScaleByOptimisticGradientState,
} from './transforms/scaleByOptimisticGradient'
export { scaleByAdan, type ScaleByAdanOptions, type ScaleByAdanState } from './transforms/scaleByAdan'
export {
  scaleByDistanceOverGradients,
  type ScaleByDistanceOverGradientsOptions,
  type ScaleByDistanceOverGradientsState,
} from './transforms/scaleByDistanceOverGradients'
export { scaleBySign } from './transforms/scaleBySign'
export { scaleByPolyak, type ScaleByPolyakOptions } from './transforms/scaleByPolyak'
export { hyperparameterDiagnoses } from './transforms/hyperparameterDiagnoses'
export { strictPurity } from './transforms/strictPurity'
export { currentLearningRate } from './transforms/currentLearningRate'

// ---- schedules (names listed in src/schedules/index.ts) ----
export { constantSchedule, type ConstantScheduleOptions } from './schedules/constantSchedule'
export { polynomialSchedule, type PolynomialScheduleOptions } from './schedules/polynomialSchedule'
export { linearSchedule, type LinearScheduleOptions } from './schedules/linearSchedule'
export { piecewiseConstantSchedule, type PiecewiseConstantScheduleOptions } from './schedules/piecewiseConstantSchedule'
export { exponentialDecay, type ExponentialDecayOptions } from './schedules/exponentialDecay'
export { cosineDecaySchedule, type CosineDecayScheduleOptions } from './schedules/cosineDecaySchedule'
export { warmupCosineDecaySchedule, type WarmupCosineDecayScheduleOptions } from './schedules/warmupCosineDecaySchedule'
export { warmupConstantSchedule, type WarmupConstantScheduleOptions } from './schedules/warmupConstantSchedule'
export { joinSchedules, type JoinSchedulesOptions } from './schedules/joinSchedules'
export {
  piecewiseInterpolateSchedule,
  type PiecewiseInterpolateScheduleOptions,
} from './schedules/piecewiseInterpolateSchedule'
export { linearOnecycleSchedule, type LinearOnecycleScheduleOptions } from './schedules/linearOnecycleSchedule'
export { cosineOnecycleSchedule, type CosineOnecycleScheduleOptions } from './schedules/cosineOnecycleSchedule'
export {
  warmupExponentialDecaySchedule,
  type WarmupExponentialDecayScheduleOptions,
} from './schedules/warmupExponentialDecaySchedule'
export { sgdrSchedule, type SgdrScheduleOptions } from './schedules/sgdrSchedule'
export { perEpoch, type PerEpochOptions } from './schedules/perEpoch'

// ---- optimizers (names listed in src/optimizers/index.ts) ----
export { sgd, type SgdOptions, type SgdState } from './optimizers/sgd'
export { adam, nadam, type AdamOptions, type AdamState } from './optimizers/adam'
export { adamw, nadamw, type AdamWOptions, type AdamWState } from './optimizers/adamw'
export { amsgrad, type AmsgradOptions, type AmsgradState } from './optimizers/amsgrad'
export { rmsprop, type RmspropOptions, type RmspropState } from './optimizers/rmsprop'
export { adagrad, type AdagradOptions, type AdagradState } from './optimizers/adagrad'
export { lamb, type LambOptions, type LambState } from './optimizers/lamb'
export { lars, type LarsOptions, type LarsState } from './optimizers/lars'
export { fromage, type FromageOptions, type FromageState } from './optimizers/fromage'
export { adafactor, type AdafactorOptions, type AdafactorState } from './optimizers/adafactor'
export { noisySgd, type NoisySgdOptions, type NoisySgdState } from './optimizers/noisySgd'
export { sm3, type Sm3Options, type Sm3State } from './optimizers/sm3'
export {
  adamax,
  adamaxw,
  type AdamaxOptions,
  type AdamaxState,
  type AdamaxWOptions,
  type AdamaxWState,
} from './optimizers/adamax'
export { radam, type RadamOptions, type RadamState } from './optimizers/radam'
export { adabelief, type AdabeliefOptions, type AdabeliefState } from './optimizers/adabelief'
export { yogi, type YogiOptions, type YogiState } from './optimizers/yogi'
export { lion, type LionOptions, type LionState } from './optimizers/lion'
export { novograd, type NovogradOptions, type NovogradState } from './optimizers/novograd'
export { adadelta, type AdadeltaOptions, type AdadeltaState } from './optimizers/adadelta'
export { signSgd, type SignSgdState } from './optimizers/signSgd'
export { signum, type SignumOptions, type SignumState } from './optimizers/signum'
export { rprop, type RpropOptions, type RpropState } from './optimizers/rprop'
export { lbfgs, type LbfgsOptions, type LbfgsState } from './optimizers/lbfgs'
export {
  optimisticGradientDescent,
  type OptimisticGradientDescentOptions,
  type OptimisticGradientDescentState,
} from './optimizers/optimisticGradientDescent'
export { adan, type AdanOptions, type AdanState } from './optimizers/adan'
export {
  optimisticAdam,
  optimisticAdamV2,
  type OptimisticAdamOptions,
  type OptimisticAdamV2Options,
  type OptimisticAdamState,
  type OptimisticAdamV2State,
} from './optimizers/optimisticAdam'
export { polyakSgd, type PolyakSgdOptions, type PolyakSgdState } from './optimizers/polyakSgd'

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

// ---- losses and initializers (src/grad/losses, src/grad/initializers; zeros only as initializers.zeros) ----
export {
  l2Loss,
  squaredError,
  mse,
  softmaxCrossEntropy,
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropyWithIntegerLabels,
  type SoftmaxCrossEntropyWithIntegerLabelsOptions,
  sigmoidBinaryCrossEntropy,
  huberLoss,
  type HuberLossOptions,
  logCosh,
  klDivergence,
  type KlDivergenceOptions,
  klDivergenceWithLogTargets,
  generalizedKlDivergence,
  convexKlDivergence,
  cosineSimilarity,
  type CosineSimilarityOptions,
  cosineDistance,
  hingeLoss,
  perceptronLoss,
  multiclassHingeLoss,
  multiclassPerceptronLoss,
  sparsemaxLoss,
  multiclassSparsemaxLoss,
  makeFenchelYoungLoss,
  polyLossCrossEntropy,
  type PolyLossCrossEntropyOptions,
  sigmoidFocalLoss,
  type SigmoidFocalLossOptions,
  safeSoftmaxCrossEntropy,
  smoothLabels,
  type SmoothLabelsOptions,
  tripletMarginLoss,
  type TripletMarginLossOptions,
  ntxent,
  rankingSoftmaxLoss,
  type RankingSoftmaxLossOptions,
  diceLoss,
  type DiceLossOptions,
  binaryDiceLoss,
  multiclassGeneralizedDiceLoss,
  initializers,
  type InitializerOptions,
  glorotUniform,
  heNormal,
  lecunNormal,
} from './grad/index'

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
