export { type TrainState, initTrainState } from './trainState'
