import { fromStorage, isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { PyTree } from '../../core/types'

/** A copy of `params` with fresh storage, so that a state never shares an array with what the caller holds. */
export const copyLeaves = <P extends PyTree>(params: P): P =>
  tree.map((l) => (isTensor(l) ? fromStorage(l.data.slice(), l.shape) : l), params)
