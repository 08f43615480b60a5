// optax.contrib: the newer optimizers, listed by name (no `export *`). Exported from the root as `contrib`.
export { scaleByMuon, type ScaleByMuonOptions, type ScaleByMuonState } from './transforms/scaleByMuon'
export { muon, type MuonOptions, type MuonState } from './optimizers/muon'
export {
  muonDimensionNumbers,
  type MuonDimensionNumbers,
  type MuonDimensionNumbersTree,
  type WeightDimensionNumbers,
} from './transforms/muonDimensionNumbers'
export { scheduleFree, type ScheduleFreeOptions, type ScheduleFreeState } from './transforms/scheduleFree'
export { scheduleFreeEvalParams } from './transforms/scheduleFreeEvalParams'
export { scheduleFreeSgd, type ScheduleFreeSgdOptions, type ScheduleFreeSgdState } from './optimizers/scheduleFreeSgd'
export {
  scheduleFreeAdamw,
  type ScheduleFreeAdamwOptions,
  type ScheduleFreeAdamwState,
} from './optimizers/scheduleFreeAdamw'
export { scaleByAdopt, type ScaleByAdoptOptions, type ScaleByAdoptState } from './transforms/scaleByAdopt'
export { adopt, type AdoptOptions, type AdoptState } from './optimizers/adopt'
export { scaleByAdemamix, type ScaleByAdemamixOptions, type ScaleByAdemamixState } from './transforms/scaleByAdemamix'
export {
  scaleBySimplifiedAdemamix,
  type ScaleBySimplifiedAdemamixOptions,
  type ScaleBySimplifiedAdemamixState,
} from './transforms/scaleBySimplifiedAdemamix'
export {
  ademamix,
  simplifiedAdemamix,
  type AdemamixOptions,
  type AdemamixState,
  type SimplifiedAdemamixOptions,
  type SimplifiedAdemamixState,
} from './optimizers/ademamix'
export { scaleByProdigy, type ScaleByProdigyOptions, type ScaleByProdigyState } from './transforms/scaleByProdigy'
export { prodigy, type ProdigyOptions, type ProdigyState } from './optimizers/prodigy'
export {
  hutchinsonEstimatorDiagHessian,
  type HutchinsonEstimatorDiagHessianOptions,
  type HutchinsonState,
} from './transforms/hutchinsonEstimatorDiagHessian'
export { scaleBySophia, type ScaleBySophiaOptions, type ScaleBySophiaState } from './transforms/scaleBySophia'
export { sophia, type SophiaOptions, type SophiaState } from './optimizers/sophia'
export { normalize } from './transforms/normalize'
export { sam, type SamOptions, type SamState } from './transforms/sam'
export {
  scaleByDadaptAdamw,
  type ScaleByDadaptAdamwOptions,
  type ScaleByDadaptAdamwState,
} from './transforms/scaleByDadaptAdamw'
export { dadaptAdamw, type DadaptAdamwOptions, type DadaptAdamwState } from './optimizers/dadaptAdamw'
export { scaleByDog, type DogInitStep, type ScaleByDogOptions, type ScaleByDogState } from './transforms/scaleByDog'
export { scaleByDowg, type ScaleByDowgOptions, type ScaleByDowgState } from './transforms/scaleByDowg'
export { dog, dowg, type DogOptions, type DogState, type DowgOptions, type DowgState } from './optimizers/dog'
export { scaleByMadgrad, type ScaleByMadgradOptions, type ScaleByMadgradState } from './transforms/scaleByMadgrad'
export { madgrad, type MadgradOptions, type MadgradState } from './optimizers/madgrad'
export {
  differentiallyPrivateAggregate,
  type DifferentiallyPrivateAggregateOptions,
  type DifferentiallyPrivateAggregateState,
} from './transforms/differentiallyPrivateAggregate'
export { dpsgd, type DpsgdOptions, type DpsgdState } from './optimizers/dpsgd'
export { scaleByAcprop, type ScaleByAcpropOptions, type ScaleByAcpropState } from './transforms/scaleByAcprop'
export { acprop, type AcpropOptions, type AcpropState } from './optimizers/acprop'
export { scaleByCocob, type ScaleByCocobOptions, type ScaleByCocobState } from './transforms/scaleByCocob'
export { cocob, type CocobOptions, type CocobState } from './optimizers/cocob'
export { scaleByMomo, type ScaleByMomoOptions, type ScaleByMomoState } from './transforms/scaleByMomo'
export { momo, type MomoOptions, type MomoState } from './optimizers/momo'
export { scaleByMomoAdam, type ScaleByMomoAdamOptions, type ScaleByMomoAdamState } from './transforms/scaleByMomoAdam'
export { momoAdam, type MomoAdamOptions, type MomoAdamState } from './optimizers/momoAdam'
export { mechanize, type MechanizeOptions, type MechanizeState } from './transforms/mechanize'
export {
  scaleByGalore,
  type GaloreDimensionNumbers,
  type GaloreDimNumsOrFn,
  type PyTreeOfDimNums,
  type ScaleByGaloreOptions,
  type ScaleByGaloreState,
} from './transforms/scaleByGalore'
export { galore, type GaloreOptions, type GaloreState } from './optimizers/galore'
