import { inheritNotes } from '../core/hyperparams'
import { HyperparameterError } from '../core/errors'
import { sortedKeys } from '../core/treeTraversal'
import type { ExtraArgs, GradientTransformation, MaskTree, PyTree } from '../core/types'
import { checkTransformation } from './_internal/isTransformation'
import { type MaskedOptions, type MaskedState, masked } from './masked'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { learningRatesIn, withLearningRate } from '../core/learningRate'

/**
 * A tree of labels for {@link multiTransform}: a string at each leaf (or at the root of a subtree, for all of it),
 * with the params' structure or a prefix of it; `null` for an empty subtree.
 * @category transforms
 * @since 0.1.0
 */
export type LabelTree = string | null | readonly LabelTree[] | { readonly [key: string]: LabelTree }

/**
 * State of {@link multiTransform}: one masked state per label.
 * @category transforms
 * @since 0.1.0
 */
export interface MultiTransformState {
  /** For each label, the {@link MaskedState} of its transform (which holds only the leaves with that label). */
  readonly innerStates: { readonly [label: string]: MaskedState<unknown> }
}

type Node = { readonly [key: string]: LabelTree }

/** The labels of a label tree (throws naming the path on a leaf that is not a string). */
function collectLabels(owner: string, labels: LabelTree, path: string, out: Set<string>): Set<string> {
  if (typeof labels === 'string') return out.add(labels)
  if (labels === null) return out
  if (Array.isArray(labels)) {
    labels.forEach((l, i) => collectLabels(owner, l, `${path}[${i}]`, out))
    return out
  }
  if (typeof labels !== 'object') {
    throw new HyperparameterError(
      `${owner} ${path} must be a label (string), an array or an object of labels; got ${String(labels)}`,
    )
  }
  sortedKeys(labels).forEach((k) => collectLabels(owner, (labels as Node)[k] as LabelTree, `${path}.${k}`, out))
  return out
}

/** The mask selecting the leaves with one label. */
const maskOf = (labels: LabelTree, label: string): MaskTree => {
  if (typeof labels === 'string') return labels === label
  if (labels === null) return null
  if (Array.isArray(labels)) return labels.map((l) => maskOf(l, label))
  return Object.fromEntries(sortedKeys(labels).map((k) => [k, maskOf((labels as Node)[k] as LabelTree, label)]))
}

/**
 * Applies a different transform to each group of parameters, the groups given by labels.
 *
 * `paramLabels` gives each leaf (or subtree) a label, as a tree with the params' structure (or a prefix of it) or
 * a function of the params; each label's transform runs as {@link masked}(transform, labels = label), so it sees
 * and keeps state only for its own leaves. Every label must have a transform: a missing one throws at `init`,
 * naming it. A transform whose label is never used holds an empty state. This is optax's `multi_transform` (also
 * exported as {@link partition}, optax's newer name). Extra arguments are passed to every transform.
 *
 * ```text
 * u[path] = transforms[labels[path]](g|labels = labels[path])[path]
 * ```
 *
 * @param transforms - A record from labels to transforms.
 * @param paramLabels - A {@link LabelTree}, or `(params) => LabelTree` (called on the params at init and on the
 * updates at update, as in optax).
 * @param options - {@link MaskedOptions}: `maskCompatibleExtraArgs` masks the per-param extra arguments per label.
 * @returns A {@link GradientTransformation} whose state is a {@link MultiTransformState}.
 * @throws HyperparameterError when a transform is not a transformation or a label tree has a non-string leaf; at
 * init, when a label has no transform.
 * @example
 * import { adam, multiTransform, sgd, tensor } from 'descent-ts'
 * const params = { w: tensor([1, 2]), b: tensor([0]) }
 * const tx = multiTransform({ adam: adam(0.1), sgd: sgd(0.5) }, { w: 'adam', b: 'sgd' })
 * const [u] = tx.update({ w: tensor([3, -4]), b: tensor([2]) }, tx.init(params), params)
 * assert.deepStrictEqual(u.b.toArray(), [-1]) // −0.5·2
 * assert.ok(Math.abs((u.w.toArray() as number[])[0]! + 0.1) < 1e-6) // Adam's first step is −lr·sign(g)
 * @see masked, partition, selectiveTransform
 * @category transforms
 * @since 0.1.0
 */
export function multiTransform(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  transforms: { readonly [label: string]: GradientTransformation<any> },
  paramLabels: LabelTree | ((params: PyTree) => LabelTree),
  options: MaskedOptions = {},
): GradientTransformation<MultiTransformState> {
  const owner = 'multiTransform'
  if (typeof transforms !== 'object' || transforms === null || Array.isArray(transforms)) {
    const got = String(transforms)
    throw new HyperparameterError(`${owner} transforms must be a record { label: transform }; got ${got}`)
  }
  const names = Object.keys(transforms).sort()
  names.forEach((k) => checkTransformation(owner, `transforms.${k}`, transforms[k] as GradientTransformation<unknown>))
  if (typeof paramLabels !== 'function') collectLabels(owner, paramLabels, 'paramLabels', new Set())
  const spec: StateSpec = { innerStates: Object.fromEntries(names.map((k) => [k, 'any'])) }
  const labelsOf = (t: PyTree): LabelTree => (typeof paramLabels === 'function' ? paramLabels(t) : paramLabels)
  const parts = (labels: LabelTree) =>
    names.map((k) => [k, masked(transforms[k] as GradientTransformation<unknown>, maskOf(labels, k), options)] as const)
  const tx = inheritNotes<GradientTransformation<MultiTransformState>>(
    {
      init: (params) => {
        checkParams('multiTransform.init', params)
        const labels = labelsOf(params)
        const missing = [...collectLabels(owner, labels, 'paramLabels', new Set())].filter((l) => !names.includes(l))
        if (missing.length > 0) {
          throw new HyperparameterError(
            `${owner} has no transform for the label(s) ${missing.map((l) => JSON.stringify(l)).join(', ')}; ` +
              `transforms has ${names.map((l) => JSON.stringify(l)).join(', ') || 'no labels'}. Add one per label.`,
          )
        }
        return { innerStates: Object.fromEntries(parts(labels).map(([k, tx]) => [k, tx.init(params)])) }
      },
      update: <P extends PyTree>(updates: P, state: MultiTransformState, params?: P, extra?: ExtraArgs) => {
        checkState(owner, state, spec, updates, params)
        const innerStates: Record<string, MaskedState<unknown>> = {}
        const out = parts(labelsOf(updates)).reduce((u, [k, tx]) => {
          const [next, s] = tx.update(u, state.innerStates[k] as MaskedState<unknown>, params, extra)
          innerStates[k] = s
          return next
        }, updates)
        return [out, { innerStates }] as const
      },
    },
    names.map((k) => transforms[k]),
  )
  // currentLearningRate looks through the wrapper into the inner state.
  return withLearningRate(tx, (s: MultiTransformState) =>
    names.flatMap((k) => learningRatesIn(transforms[k], s.innerStates[k]?.innerState)),
  )
}

/**
 * optax's newer name for {@link multiTransform}: the same function.
 * @example
 * import { multiTransform, partition } from 'descent-ts'
 * assert.strictEqual(partition, multiTransform)
 * @see multiTransform
 * @category transforms
 * @since 0.1.0
 */
export const partition = multiTransform
