// Every public transform, listed by name (no `export *`).
export { scale, type ScaleOptions } from './scale'
export { scaleBySchedule, type ScaleByScheduleOptions, type ScaleByScheduleState } from './scaleBySchedule'
export {
  scaleByLearningRate,
  type ScaleByLearningRateOptions,
  type ScaleByLearningRateState,
} from './scaleByLearningRate'
export { clip, type ClipOptions } from './clip'
export { clipByGlobalNorm, type ClipByGlobalNormOptions, type ClipByGlobalNormState } from './clipByGlobalNorm'
export { trace, type TraceOptions, type TraceState } from './trace'
export { ema, type EmaOptions, type EmaState } from './ema'
export {
  addDecayedWeights,
  addDecoupledWeightDecay,
  type AddDecayedWeightsOptions,
  type AddDecayedWeightsState,
} from './addDecayedWeights'
export { masked, type MaskedOptions, type MaskedState } from './masked'
export { applyIfFinite, type ApplyIfFiniteOptions, type ApplyIfFiniteState } from './applyIfFinite'
export { applyEvery, type ApplyEveryOptions, type ApplyEveryState } from './applyEvery'
export {
  conditionallyTransform,
  type ConditionFn,
  type ConditionallyTransformOptions,
  type ConditionallyTransformState,
} from './conditionallyTransform'
export { conditionallyMask, type ConditionallyMaskState } from './conditionallyMask'
export {
  multiSteps,
  multiStepsHasUpdated,
  type MultiStepsOptions,
  type MultiStepsState,
  type ShouldSkipUpdateFn,
} from './multiSteps'
export { multiTransform, partition, type LabelTree, type MultiTransformState } from './multiTransform'
export { freeze } from './freeze'
export { selectiveTransform, type SelectiveTransformOptions } from './selectiveTransform'
export {
  lookahead,
  type LookaheadOptions,
  type LookaheadParams,
  type LookaheadState,
  type LookaheadTransformation,
} from './lookahead'
export { lookaheadParams } from './lookaheadParams'
export { withExtraArgs } from './withExtraArgs'
export {
  injectHyperparams,
  type InjectableArgs,
  type InjectHyperparamsOptions,
  type InjectHyperparamsState,
} from './injectHyperparams'
export {
  injectStatefulHyperparams,
  type InjectStatefulHyperparamsState,
  type StatefulInjectableArgs,
} from './injectStatefulHyperparams'
export { reduceOnPlateau, type ReduceOnPlateauOptions, type ReduceOnPlateauState } from './reduceOnPlateau'
export { scaleByLbfgs, type ScaleByLbfgsOptions, type ScaleByLbfgsState } from './scaleByLbfgs'
export {
  scaleByZoomLinesearch,
  type ScaleByZoomLinesearchOptions,
  type ScaleByZoomLinesearchState,
  type ZoomLinesearchInfo,
} from './scaleByZoomLinesearch'
export {
  scaleByBacktrackingLinesearch,
  type BacktrackingLinesearchInfo,
  type ScaleByBacktrackingLinesearchOptions,
  type ScaleByBacktrackingLinesearchState,
} from './scaleByBacktrackingLinesearch'
export { valueAndGradFromState } from './valueAndGradFromState'
export { scaleByAdam, type ScaleByAdamOptions, type ScaleByAdamState } from './scaleByAdam'
export { scaleByAmsgrad, type ScaleByAmsgradOptions, type ScaleByAmsgradState } from './scaleByAmsgrad'
export { scaleByRms, type ScaleByRmsOptions, type ScaleByRmsState } from './scaleByRms'
export { scaleByStddev, type ScaleByStddevOptions, type ScaleByStddevState } from './scaleByStddev'
export { scaleByRss, type ScaleByRssOptions, type ScaleByRssState } from './scaleByRss'
export { scaleByFactoredRms, type ScaleByFactoredRmsOptions, type ScaleByFactoredRmsState } from './scaleByFactoredRms'
export { clipByBlockRms, type ClipByBlockRmsOptions } from './clipByBlockRms'
export { scaleByParamBlockRms, type ScaleByParamBlockRmsOptions } from './scaleByParamBlockRms'
export { scaleByParamBlockNorm, type ScaleByParamBlockNormOptions } from './scaleByParamBlockNorm'
export { scaleByTrustRatio, type ScaleByTrustRatioOptions } from './scaleByTrustRatio'
export { addNoise, type AddNoiseOptions, type AddNoiseState } from './addNoise'
export { centralize } from './centralize'
export { keepParamsNonnegative } from './keepParamsNonnegative'
export { zeroNans, type ZeroNansState } from './zeroNans'
export { adaptiveGradClip, type AdaptiveGradClipOptions } from './adaptiveGradClip'
export { unitwiseNorm } from './unitwiseNorm'
export { unitwiseClip } from './unitwiseClip'
export { skipNotFinite } from './skipNotFinite'
export { skipLargeUpdates } from './skipLargeUpdates'
export { perExampleGlobalNormClip } from './perExampleGlobalNormClip'
export { perExampleLayerNormClip } from './perExampleLayerNormClip'
export { flatten } from './flatten'
export { measureWithEma, type MeasureWithEmaOptions } from './measureWithEma'
export { normalizeByUpdateNorm, type NormalizeByUpdateNormOptions } from './normalizeByUpdateNorm'
export { snapshot, type SnapshotOptions, type SnapshotState } from './snapshot'
export { monitor, type Measure, type MonitorState } from './monitor'
export { scaleBySm3, type ScaleBySm3Options, type ScaleBySm3State } from './scaleBySm3'
export { scaleByAdamax, type ScaleByAdamaxOptions, type ScaleByAdamaxState } from './scaleByAdamax'
export { scaleByRadam, type ScaleByRadamOptions, type ScaleByRadamState } from './scaleByRadam'
export { scaleByBelief, type ScaleByBeliefOptions, type ScaleByBeliefState } from './scaleByBelief'
export { scaleByYogi, type ScaleByYogiOptions, type ScaleByYogiState } from './scaleByYogi'
export { scaleByLion, type ScaleByLionOptions, type ScaleByLionState } from './scaleByLion'
export { scaleByNovograd, type ScaleByNovogradOptions, type ScaleByNovogradState } from './scaleByNovograd'
export { scaleByAdadelta, type ScaleByAdadeltaOptions, type ScaleByAdadeltaState } from './scaleByAdadelta'
export { scaleByRprop, type ScaleByRpropOptions, type ScaleByRpropState } from './scaleByRprop'
export {
  scaleByOptimisticGradient,
  type ScaleByOptimisticGradientOptions,
  type ScaleByOptimisticGradientState,
} from './scaleByOptimisticGradient'
export { scaleByAdan, type ScaleByAdanOptions, type ScaleByAdanState } from './scaleByAdan'
export {
  scaleByDistanceOverGradients,
  type ScaleByDistanceOverGradientsOptions,
  type ScaleByDistanceOverGradientsState,
} from './scaleByDistanceOverGradients'
export { scaleBySign } from './scaleBySign'
export { scaleByPolyak, type ScaleByPolyakOptions } from './scaleByPolyak'
export { hyperparameterDiagnoses } from './hyperparameterDiagnoses'
export { strictPurity } from './strictPurity'
export { currentLearningRate } from './currentLearningRate'
