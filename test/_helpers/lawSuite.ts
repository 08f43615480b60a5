/**
 * descent's own law table (STYLE.md item 24, optax's `test_scalers`), run through the shipped checker
 * `checkTransformLaws` of `descent-ts/testing`: this file only holds the table's row type, the fixed params tree every
 * row is checked on (besides fast-check's random pytrees) and the accessors of state moments. The laws themselves,
 * and the meta-tests that each law can fail, live with the checker (src/testing, test/testing).
 */
import { describe, it } from 'vitest'
import {
  type ExtraArgs,
  type GradientTransformation,
  type MaskTree,
  type PRNGKey,
  type PyTree,
  isTensor,
  prngKey,
  randomNormal,
  splitKey,
  tensor,
  tree,
} from '../../src/index'
import { type CheckTransformLawsOptions, type StateMoment, assertTransformLaws } from '../../src/testing/index'
import { DEFAULT_SEED } from './seed'

// Transforms of every state type go in one table, and a GradientTransformation<S> is contravariant in S.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransformation = GradientTransformation<any>

/** A named subtree of a state and the tree whose structure, shapes and dtypes it must have. */
export type Moment = StateMoment

/** One row of the law table. */
export interface LawCase {
  /** The row's name in the test report. */
  readonly name: string
  /** Builds the transform. */
  readonly make: () => AnyTransformation
  /**
   * The subtrees of the state that must mirror the params (moments, traces, accumulators), each paired with the tree
   * whose structure, shapes and dtypes it must have (the params unless said otherwise, e.g. a masked inner state).
   * Stateless transforms return `[]`.
   */
  readonly moments?: (state: unknown, params: PyTree) => readonly Moment[]
  /** Whether the params trees have JS number leaves. @defaultValue true */
  readonly numberLeaf?: boolean
  /** Number of steps the laws run. @defaultValue 5 */
  readonly steps?: number
  /** The row is configured for {@link lawParams}' structure (a prefix-tree mask, labels): check that tree only. */
  readonly fixedStructure?: boolean
  /** Extra arguments the transform needs at every update (the loss `value` of Polyak steps). */
  readonly extraArgs?: (params: PyTree, step: number) => ExtraArgs
  /** init keeps a copy of the params (only its structure must not depend on their values). */
  readonly initUsesParams?: boolean
}

/**
 * Random pytrees per row on top of {@link lawParams}. Two keep `npm test` about as fast as the hand-rolled suite it
 * replaced (one fixed tree, eight laws); raise it with LAW_RUNS_TRANSFORMS for a deeper search.
 */
export const LAW_RUNS = Number(process.env.LAW_RUNS_TRANSFORMS ?? 2)

// ---- the fixed params tree ----------------------------------------------------------------------------------

const f32 = (key: PRNGKey, shape: readonly number[]) => randomNormal(key, shape, { dtype: 'float32' })
const f64 = (key: PRNGKey, shape: readonly number[]) => randomNormal(key, shape, { dtype: 'float64' })

/**
 * A fixed, mixed params tree: nested objects and arrays, a `null` subtree (also inside an array), float32 tensors of
 * ranks 0 to 3, one float64 tensor and (optionally) a JS number leaf.
 */
export function lawParams(options: { readonly numberLeaf?: boolean } = {}): PyTree {
  const { numberLeaf = true } = options
  const k = splitKey(prngKey(20240501), 8)
  return {
    layers: [
      { w: f32(k[0]!, [3, 4]), b: f32(k[1]!, [4]) },
      { w: f32(k[2]!, [4, 2]), b: f32(k[3]!, [2]) },
    ],
    embed: f32(k[4]!, [2, 3, 2]),
    scalar: tensor(0.75),
    frozen: null,
    head: { kernel: f64(k[5]!, [2, 3]), slots: [f32(k[6]!, [1]), null] },
    ...(numberLeaf ? { gain: 1.25 } : {}),
  }
}

/** A prefix mask of {@link lawParams} that selects some leaves and whole subtrees. */
export function lawMask(options: { readonly numberLeaf?: boolean } = {}): MaskTree {
  const { numberLeaf = true } = options
  return {
    layers: [{ w: true, b: false }, true],
    embed: false,
    scalar: true,
    frozen: null,
    head: { kernel: true, slots: false },
    ...(numberLeaf ? { gain: false } : {}),
  }
}

/** A mask function of the params: selects the tensors of rank ≥ 2 (the "weight matrices"). */
export const lawMaskFn = (params: PyTree): MaskTree =>
  tree.map((l) => (isTensor(l) && l.shape.length >= 2) as never, params) as unknown as MaskTree

/**
 * The tree a masked inner transform sees: `params` with every subtree where the prefix `mask` is false replaced by
 * `null` (written here independently of the library's masking helpers).
 */
export function maskedLike(params: PyTree, mask: MaskTree): PyTree {
  if (typeof mask === 'boolean') return mask ? params : null
  if (mask === null || params === null) return null
  if (Array.isArray(mask)) return (params as readonly PyTree[]).map((p, i) => maskedLike(p, mask[i]!))
  const m = mask as Record<string, MaskTree>
  return Object.fromEntries(Object.entries(params as Record<string, PyTree>).map(([k, p]) => [k, maskedLike(p, m[k]!)]))
}

/** The checker's options for a row: lawParams always, plus LAW_RUNS random pytrees unless the row is fixed. */
export function lawOptions(c: LawCase): CheckTransformLawsOptions {
  const numberLeaf = c.numberLeaf ?? true
  return {
    numRuns: c.fixedStructure ? 0 : LAW_RUNS,
    seed: DEFAULT_SEED,
    steps: c.steps ?? 5,
    examples: [lawParams({ numberLeaf })],
    trees: { withNumbers: numberLeaf },
    ...(c.moments === undefined ? {} : { moments: c.moments }),
    ...(c.extraArgs === undefined ? {} : { extraArgs: c.extraArgs }),
    ...(c.initUsesParams === undefined ? {} : { initUsesParams: c.initUsesParams }),
  }
}

/** Registers one `describe` per case, whose test checks every law with `assertTransformLaws`. */
export function describeTransformLaws(cases: readonly LawCase[]): void {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    it('obeys every transform law (descent-ts/testing checkTransformLaws)', () => {
      assertTransformLaws(c.make(), lawOptions(c))
    })
  })
}

/** Moment accessor for a state record: the named fields, each compared with the params. */
export const fields =
  (...names: readonly string[]) =>
  (state: unknown, params: PyTree) =>
    names.map((n) => [n, (state as Record<string, PyTree>)[n] as PyTree, params] as const)

/** Moment accessor for the i-th part of a chain's state. */
export const part = (i: number, inner: NonNullable<LawCase['moments']>) => (state: unknown, params: PyTree) =>
  inner((state as readonly unknown[])[i], params)
