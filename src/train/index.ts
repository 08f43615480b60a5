export { type TrainState, initTrainState } from './trainState'
export { saveCheckpoint, loadCheckpoint, loadCheckpointE } from './checkpoint'
export { CheckpointError } from './checkpointError'
