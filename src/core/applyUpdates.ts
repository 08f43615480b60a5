import { zipLeaves } from './leafMath'
import type { Tensor } from './tensor'
import { mapTrees } from './treeTraversal'
import type { PyTree } from './types'

/**
 * Applies updates to params, leaf by leaf, keeping each param's dtype (float32 params stay float32 even with
 * float64 updates). Returns new params; the inputs are not modified.
 * ```text
 * θ' = θ + u
 * ```
 * @example
 * import { applyUpdates, tensor } from 'descent'
 * const p = applyUpdates({ w: tensor([1, 2]), b: 1 }, { w: tensor([0.5, -1], 'float64'), b: -1 })
 * assert.deepStrictEqual([p.w.toArray(), p.w.dtype, p.b], [[1.5, 1], 'float32', 0])
 * @category transforms
 * @since 0.1.0
 */
export function applyUpdates<P extends PyTree>(params: P, updates: PyTree): P {
  const names = ['params', 'updates']
  return mapTrees(
    (path, leaves) =>
      zipLeaves(
        (p, u) => p + u,
        leaves,
        path,
        names,
        typeof leaves[0] === 'number' ? undefined : (leaves[0] as Tensor).dtype,
      ),
    [params, updates],
    names,
  ) as P
}

/**
 * Polyak averaging of two trees, as optax's `incremental_update`:
 * ```text
 * out = stepSize·new + (1 − stepSize)·old
 * ```
 * @example
 * import { incrementalUpdate } from 'descent'
 * assert.deepStrictEqual(incrementalUpdate([1], [3], 0.25), [2.5])
 * @category transforms
 * @since 0.1.0
 */
export function incrementalUpdate<P extends PyTree>(newTensors: P, oldTensors: P, stepSize: number): P {
  const names = ['new', 'old']
  return mapTrees(
    (path, leaves) => zipLeaves((n, o) => stepSize * n + (1 - stepSize) * o, leaves, path, names),
    [newTensors, oldTensors],
    names,
  ) as P
}
