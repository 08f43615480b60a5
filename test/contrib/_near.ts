import type { PyTree } from '../../src/index'
import { expectTreesClose } from '../_helpers/assertions'

/** Asserts same structure, shapes and dtypes, and |a − b| ≤ atol everywhere (no relative slack). */
export const near = (actual: PyTree, expected: PyTree, atol: number): void =>
  expectTreesClose(actual, expected, { atol, rtol: 0 })
