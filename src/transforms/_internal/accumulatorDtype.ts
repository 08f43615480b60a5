import type { DType } from '../../core/tensor'
import { HyperparameterError } from '../../core/errors'
import { quoteValue } from '../../core/hyperparams'
import * as tree from '../../core/tree'
import type { PyTree } from '../../core/types'

/** @internal The dtype options of an Adam-family transform (optax's `mu_dtype`, and `nuDtype` for optax #1552). */
export interface AccumulatorDtypeOptions {
  readonly muDtype?: DType | undefined
  readonly nuDtype?: DType | undefined
}

/** @internal Checks a dtype option: undefined (follow the params) or one of descent's dtypes. */
export function checkDtype(owner: string, name: string, value: unknown): DType | undefined {
  if (value === undefined || value === 'float32' || value === 'float64') return value
  throw new HyperparameterError(
    `${owner} ${name} must be 'float32', 'float64' or undefined (the params' dtype); got ${quoteValue(value)}.`,
  )
}

/** @internal `moments` in `dtype` (unchanged when it is undefined). */
export const inDtype = <T extends PyTree>(moments: T, dtype: DType | undefined): T =>
  dtype === undefined ? moments : tree.cast(moments, dtype)

/** @internal The state-check slot of a moment: same dtypes as the updates, or any dtypes once the user chose one. */
export const momentSpec = (dtype: DType | undefined): 'tree' | 'treeLike' => (dtype === undefined ? 'tree' : 'treeLike')
