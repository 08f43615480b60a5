import { DTypeError } from '../core/errors'
import { checkParams, checkSameTrees } from '../core/stateCheck'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { checkTransformation } from './_internal/isTransformation'

/** All the leaves of `t`, raveled and concatenated into one vector (float64 if any leaf is, else float32). */
function ravel(t: PyTree): Tensor {
  const leaves = tree.leaves(t)
  const dtype = leaves.some((l) => !isTensor(l) || l.dtype === 'float64') ? 'float64' : 'float32'
  const values: number[] = []
  for (const l of leaves)
    if (isTensor(l)) for (const v of l.data) values.push(v)
    else values.push(Number(l))
  return fromStorage(arrayTypeOf(dtype).from(values), [values.length])
}

/** The vector `flat` cut back into the leaves of `like` (shapes, dtypes and number leaves kept). */
function unravel<T extends PyTree>(like: T, flat: Tensor): T {
  const [leaves, def] = tree.flatten(like)
  let offset = 0
  const out = leaves.map((l): Leaf => {
    if (!isTensor(l)) return flat.data[offset++]!
    const data = arrayTypeOf(l.dtype).from(flat.data.subarray(offset, offset + l.size))
    offset += l.size
    return fromStorage(data, l.shape)
  })
  return tree.unflatten(def, out) as T
}

/** The updates must have the params' leaves (path by path), and no float64 leaf where the params are float32. */
function checkFlattenable(updates: PyTree, params: PyTree): void {
  checkSameTrees('flatten', ['updates', 'params'], [updates, params])
  const ps = tree.leaves(params)
  tree.flattenWithPath(updates)[0].forEach(([path, u], i) => {
    const p = ps[i]
    if (isTensor(u) && u.dtype === 'float64' && isTensor(p) && p.dtype === 'float32') {
      throw new DTypeError(
        `flatten: ${tree.keystr(path, 'updates')} is float64 but ${tree.keystr(path, 'params')} is float32: the flat ` +
          "inner state would be promoted to float64; cast the gradient first (tree.cast(grads, 'float32')).",
      )
    }
  })
}

/**
 * Runs `inner` on the params and updates raveled into one vector (optax.flatten), and cuts its output back into
 * the tree. Transforms whose cost is per leaf (many small leaves) then see one leaf; the results are the same for
 * element-wise transforms.
 * ```text
 * flatten(inner).update(u, s, θ) = unravel(inner.update(ravel(u), s, ravel(θ)))
 * ```
 * @returns a transform with `inner`'s state (built on the raveled params).
 * @example
 * import { flatten, scaleByAdam, tensor, type Tensor } from 'descent-ts'
 * const tx = flatten(scaleByAdam())
 * const p = { a: tensor([1, 2]), b: tensor([[3]]) }
 * const state = tx.init(p)
 * assert.deepStrictEqual((state.mu as Tensor).shape, [3]) // one flat vector for both leaves
 * const [u] = tx.update({ a: tensor([1, -1]), b: tensor([[2]]) }, state, p)
 * assert.deepStrictEqual(u.b.shape, [1, 1])
 * @see scaleByAdam
 * @category transforms
 * @since 0.2.0
 */
export function flatten<S>(inner: GradientTransformation<S>): GradientTransformation<S> {
  checkTransformation('flatten', 'inner', inner)
  return {
    init: (params) => inner.init(ravel(checkParams('flatten.init', params))),
    update: (updates, state, params, extra) => {
      if (params !== undefined) checkFlattenable(updates, params)
      const [flat, next] = inner.update(ravel(updates), state, params === undefined ? undefined : ravel(params), extra)
      return [unravel(updates, flat as Tensor), next] as const
    },
  }
}
