// Every optimizer alias, listed by name (no `export *`).
export { sgd, type SgdOptions, type SgdState } from './sgd'
export { adam, nadam, type AdamOptions, type AdamState } from './adam'
export { adamw, nadamw, type AdamWOptions, type AdamWState } from './adamw'
export { amsgrad, type AmsgradOptions, type AmsgradState } from './amsgrad'
export { rmsprop, type RmspropOptions, type RmspropState } from './rmsprop'
export { adagrad, type AdagradOptions, type AdagradState } from './adagrad'
