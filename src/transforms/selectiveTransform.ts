import { setToZero } from '../core/base'
import { HyperparameterError } from '../core/errors'
import type { GradientTransformation, MaskOrFn, MaskTree, PyTree } from '../core/types'
import { checkMaskOrFn } from './_internal/maskTree'
import { type LabelTree, type MultiTransformState, multiTransform } from './multiTransform'

/**
 * Options of {@link selectiveTransform}.
 * @category transforms
 * @since 0.1.0
 */
export interface SelectiveTransformOptions {
  /**
   * Which parameters are frozen (`true`): a boolean tree with the params' structure or a prefix of it, or a function
   * of the params returning one.
   * @defaultValue required
   */
  readonly freezeMask: MaskOrFn
}

const labelsOf = (mask: MaskTree): LabelTree =>
  typeof mask === 'boolean'
    ? mask
      ? 'freeze'
      : 'train'
    : mask === null
      ? null
      : Array.isArray(mask)
        ? mask.map(labelsOf)
        : Object.fromEntries(Object.entries(mask).map(([k, m]) => [k, labelsOf(m as MaskTree)]))

/**
 * Runs an optimizer on the trainable parameters only; the frozen ones get zero updates and no optimizer state.
 *
 * It is {@link multiTransform}({ train: optimizer, freeze: setToZero() }) with the labels read from `freezeMask`
 * (`true` → `'freeze'`), exactly as optax's `selective_transform`. Unlike `chain(optimizer, freeze(mask))`, the
 * optimizer's moments only exist for the trainable leaves.
 *
 * ```text
 * u[path] = optimizer(g|trainable)[path]    where freezeMask[path] is false
 * u[path] = 0                               where freezeMask[path] is true
 * ```
 *
 * @param optimizer - The optimizer for the trainable parameters.
 * @param options - {@link SelectiveTransformOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link MultiTransformState} with labels
 * `'train'` and `'freeze'`.
 * @throws HyperparameterError when `freezeMask` has a non-boolean leaf.
 * @example
 * import { adam, selectiveTransform, tensor } from 'descent-ts'
 * const params = { embed: tensor([1, 2]), head: tensor([3]) }
 * const tx = selectiveTransform(adam(0.1), { freezeMask: { embed: true, head: false } })
 * const state = tx.init(params)
 * const [u] = tx.update({ embed: tensor([1, 1]), head: tensor([1]) }, state, params)
 * assert.deepStrictEqual(u.embed.toArray(), [0, 0])
 * assert.ok(Math.abs((u.head.toArray() as number[])[0]! + 0.1) < 1e-6) // Adam's first step
 * @see freeze, multiTransform
 * @category transforms
 * @since 0.1.0
 */
export function selectiveTransform<S>(
  optimizer: GradientTransformation<S>,
  options: SelectiveTransformOptions,
): GradientTransformation<MultiTransformState> {
  const owner = 'selectiveTransform'
  if (typeof options !== 'object' || options === null) {
    throw new HyperparameterError(`${owner} options must be { freezeMask }; got ${String(options)}`)
  }
  const mask = checkMaskOrFn(owner, 'options.freezeMask', options.freezeMask)
  const labels = typeof mask === 'function' ? (p: PyTree) => labelsOf(mask(p)) : labelsOf(mask)
  return multiTransform({ train: optimizer, freeze: setToZero() }, labels)
}
