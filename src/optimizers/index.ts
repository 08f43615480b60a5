// Every optimizer alias, listed by name (no `export *`).
export { sgd, type SgdOptions, type SgdState } from './sgd'
export { adam, nadam, type AdamOptions, type AdamState } from './adam'
export { adamw, nadamw, type AdamWOptions, type AdamWState } from './adamw'
export { amsgrad, type AmsgradOptions, type AmsgradState } from './amsgrad'
export { rmsprop, type RmspropOptions, type RmspropState } from './rmsprop'
export { adagrad, type AdagradOptions, type AdagradState } from './adagrad'
export { lamb, type LambOptions, type LambState } from './lamb'
export { lars, type LarsOptions, type LarsState } from './lars'
export { fromage, type FromageOptions, type FromageState } from './fromage'
export { adafactor, type AdafactorOptions, type AdafactorState } from './adafactor'
export { noisySgd, type NoisySgdOptions, type NoisySgdState } from './noisySgd'
export { sm3, type Sm3Options, type Sm3State } from './sm3'
export { adamax, adamaxw, type AdamaxOptions, type AdamaxState, type AdamaxWOptions, type AdamaxWState } from './adamax'
export { radam, type RadamOptions, type RadamState } from './radam'
export { adabelief, type AdabeliefOptions, type AdabeliefState } from './adabelief'
export { yogi, type YogiOptions, type YogiState } from './yogi'
export { lion, type LionOptions, type LionState } from './lion'
export { novograd, type NovogradOptions, type NovogradState } from './novograd'
export { adadelta, type AdadeltaOptions, type AdadeltaState } from './adadelta'
export { signSgd, type SignSgdState } from './signSgd'
export { signum, type SignumOptions, type SignumState } from './signum'
export { rprop, type RpropOptions, type RpropState } from './rprop'
export { lbfgs, type LbfgsOptions, type LbfgsState } from './lbfgs'
export {
  optimisticGradientDescent,
  type OptimisticGradientDescentOptions,
  type OptimisticGradientDescentState,
} from './optimisticGradientDescent'
export { polyakSgd, type PolyakSgdOptions, type PolyakSgdState } from './polyakSgd'
export { adan, type AdanOptions, type AdanState } from './adan'
export {
  optimisticAdam,
  optimisticAdamV2,
  type OptimisticAdamOptions,
  type OptimisticAdamV2Options,
  type OptimisticAdamState,
  type OptimisticAdamV2State,
} from './optimisticAdam'
