// Every schedule, listed by name (no `export *`).
export { constantSchedule, type ConstantScheduleOptions } from './constantSchedule'
export { polynomialSchedule, type PolynomialScheduleOptions } from './polynomialSchedule'
export { linearSchedule, type LinearScheduleOptions } from './linearSchedule'
export { piecewiseConstantSchedule, type PiecewiseConstantScheduleOptions } from './piecewiseConstantSchedule'
export { exponentialDecay, type ExponentialDecayOptions } from './exponentialDecay'
export { cosineDecaySchedule, type CosineDecayScheduleOptions } from './cosineDecaySchedule'
export { warmupCosineDecaySchedule, type WarmupCosineDecayScheduleOptions } from './warmupCosineDecaySchedule'
export { warmupConstantSchedule, type WarmupConstantScheduleOptions } from './warmupConstantSchedule'
export { joinSchedules, type JoinSchedulesOptions } from './joinSchedules'
export { piecewiseInterpolateSchedule, type PiecewiseInterpolateScheduleOptions } from './piecewiseInterpolateSchedule'
export { linearOnecycleSchedule, type LinearOnecycleScheduleOptions } from './linearOnecycleSchedule'
export { cosineOnecycleSchedule, type CosineOnecycleScheduleOptions } from './cosineOnecycleSchedule'
export {
  warmupExponentialDecaySchedule,
  type WarmupExponentialDecayScheduleOptions,
} from './warmupExponentialDecaySchedule'
export { sgdrSchedule, type SgdrScheduleOptions } from './sgdrSchedule'
export { perEpoch, type PerEpochOptions } from './perEpoch'
export { wrappedSchedule, type StatefulSchedule, type WrappedScheduleState } from './statefulSchedule'
