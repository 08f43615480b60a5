// optax.experimental.aggregating: per-example update aggregators. Exported as `experimental.aggregating`.
export { process, type ProcessOptions, type ProcessState } from './process'
export {
  averagePerElementUpdates,
  type AveragePerElementUpdatesOptions,
  getBatchSizeFromPerEltUpdates,
  accumulateAvgUpdates,
  type AccumulateAvgUpdatesState,
  averageIncrementallyUpdates,
  type AverageIncrementallyUpdatesState,
} from './averaging'
export {
  getPerElementMeanAndSumSqDiffGrads,
  type PerElementMeanOptions,
  type PerElementMeanAndSumSqDiffGradsState,
  type PerElementMeanAggregatorState,
  trackPerElementMeanAndVarianceWithEma,
  type PerElementMeanAndVarianceEmaState,
  getUnbiasedMeanAndVarianceEma,
  addMeanVarianceToOpt,
} from './variance'
