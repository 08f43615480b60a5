import { checkBoolean, inheritNotes } from '../core/hyperparams'
import * as tree from '../core/tree'
import { HyperparameterError } from '../core/errors'
import { dual } from '../core/function'
import type { ExtraArgs, GradientTransformation, MaskOrFn, PyTree } from '../core/types'
import { applyMask, checkMaskOrFn, mergeMasked, resolveMask } from './_internal/maskTree'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { learningRatesIn, withLearningRate } from '../core/learningRate'

const STATE: StateSpec = { innerState: 'any' }

/**
 * State of {@link masked}: the inner transform's state, which only holds the selected leaves.
 * @category transforms
 * @since 0.1.0
 */
export interface MaskedState<S> {
  /** The state of the wrapped transform, built from the params with the unselected subtrees set to `null`. */
  readonly innerState: S
}

const isTransformation = (x: unknown): x is GradientTransformation<unknown> =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { init?: unknown }).init === 'function' &&
  typeof (x as { update?: unknown }).update === 'function'

/**
 * Options of {@link masked} (and of {@link multiTransform}).
 * @category transforms
 * @since 0.1.0
 */
export interface MaskedOptions {
  /**
   * Mask the extra arguments too: each extra argument with the structure of the updates (a per-param tree, such as a
   * gradient) reaches the inner transform with the same subtrees set to null (optax's `mask_compatible_extra_args`).
   * @defaultValue false
   */
  readonly maskCompatibleExtraArgs?: boolean
}

const isMaskedOptions = (x: unknown): x is MaskedOptions =>
  typeof x === 'object' &&
  x !== null &&
  !Array.isArray(x) &&
  Object.keys(x).every((k) => k === 'maskCompatibleExtraArgs') &&
  Object.keys(x).length > 0

/** The extra arguments with the updates' structure, masked like the updates. */
function maskExtra(
  extra: ExtraArgs | undefined,
  updates: PyTree,
  maskTree: ReturnType<typeof resolveMask>,
): ExtraArgs | undefined {
  if (extra === undefined) return undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(extra)) {
    let same = false
    try {
      same = typeof v === 'object' && v !== null && tree.equalStructure(v as PyTree, updates)
    } catch {
      same = false
    }
    out[k] = same ? applyMask(v as PyTree, maskTree) : v
  }
  return out as ExtraArgs
}

function maskedBody<S>(
  inner: GradientTransformation<S>,
  mask: MaskOrFn,
  options: MaskedOptions = {},
): GradientTransformation<MaskedState<S>> {
  if (!isTransformation(inner)) {
    throw new HyperparameterError('masked inner must be a GradientTransformation { init, update }')
  }
  const m = checkMaskOrFn('masked', 'mask', mask)
  const maskCompatible = checkBoolean(
    'masked',
    'options.maskCompatibleExtraArgs',
    options.maskCompatibleExtraArgs ?? false,
  )
  const tx = inheritNotes<GradientTransformation<MaskedState<S>>>(
    {
      init: (params) => (
        checkParams('masked.init', params),
        { innerState: inner.init(applyMask(params, resolveMask(m, params))) }
      ),
      update: <P extends PyTree>(updates: P, state: MaskedState<S>, params?: P, extra?: ExtraArgs) => {
        checkState('masked', state, STATE, updates, params)
        const maskTree = resolveMask(m, updates)
        const maskedParams = params === undefined ? undefined : applyMask(params, maskTree)
        const innerExtra = maskCompatible ? maskExtra(extra, updates, maskTree) : extra
        const [inner_, innerState] = inner.update(
          applyMask(updates, maskTree),
          state.innerState,
          maskedParams,
          innerExtra,
        )
        return [mergeMasked(maskTree, inner_, updates), { innerState }] as const
      },
    },
    [inner],
  )
  // currentLearningRate looks through the wrapper into the inner state.
  return withLearningRate(tx, (s: MaskedState<S>) => learningRatesIn(inner, s.innerState))
}

/**
 * Applies a transform to a subset of the parameters; the other updates pass through unchanged.
 *
 * The mask is a tree of booleans with the structure of the params, or a prefix of it (one boolean stands for a
 * whole subtree), or a function returning such a tree. The inner transform sees the updates and params with every
 * unselected subtree replaced by `null` (the empty subtree), so its state holds nothing for them. A mask function
 * is called on the params at `init` and on the updates at `update` (as in optax; both have the params' structure).
 * Masks nest: in `masked(masked(t, inner), outer)` the inner mask may be written for the full params.
 * Call it data-first, `masked(inner, mask)`, or data-last, `pipe(inner, masked(mask))`.
 *
 * ```text
 * u[path] = inner(g|mask)[path]    where mask[path] is true
 * u[path] = g[path]                elsewhere
 * ```
 *
 * @param inner - The transform to apply to the selected leaves.
 * @param mask - A {@link MaskTree} that is a prefix of the params' structure, or `(params) => MaskTree`.
 * @param options - {@link MaskedOptions} (`maskCompatibleExtraArgs`).
 * @returns A {@link GradientTransformation} whose state is a {@link MaskedState} of the inner state.
 * @throws HyperparameterError when `mask` has a non-boolean leaf (InvalidTreeError for a value that is not a tree
 * at all); StructureError (at init or update) naming the path when the mask does not fit the params' structure.
 * @example
 * import { masked, scale, tensor } from 'descent-ts'
 * import { pipe } from 'fp-ts/function'
 * const tx = masked(scale(10), { w: true, b: false })
 * const [u] = tx.update({ w: tensor([1]), b: tensor([1]) }, tx.init({ w: tensor([0]), b: tensor([0]) }))
 * assert.deepStrictEqual([u.w.toArray(), u.b.toArray()], [[10], [1]])
 * const same = pipe(scale(10), masked({ w: true, b: false }))
 * assert.deepStrictEqual(same.update({ w: 1, b: 1 }, same.init({ w: 0, b: 0 }))[0], { w: 10, b: 1 })
 * @see addDecayedWeights, multiTransform
 * @category transforms
 * @since 0.1.0
 */
export const masked: {
  <S>(inner: GradientTransformation<S>, mask: MaskOrFn, options?: MaskedOptions): GradientTransformation<MaskedState<S>>
  (
    mask: MaskOrFn,
    options?: MaskedOptions,
  ): <S>(inner: GradientTransformation<S>) => GradientTransformation<MaskedState<S>>
} = dual(
  (args) => args.length >= 3 || isTransformation(args[0]) || (args.length === 2 && !isMaskedOptions(args[1])),
  maskedBody,
)
