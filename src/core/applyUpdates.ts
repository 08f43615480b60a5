import { checkLeaves, zipLeaves } from './leafMath'
import { type Tensor, arrayTypeOf, fromStorage } from './tensor'
import { mapTrees } from './treeTraversal'
import type { PyTree } from './types'

type F32 = Float32Array
type F64 = Float64Array

/**
 * @internal out = p + u with out of p's type (out may be p itself: each element is read before it is written),
 * rounded to out's dtype on store. One loop for every mix of float32 and float64: measured as fast as one copy per
 * mix (bench/ab-add-into.ts), also after the others have run.
 */
export function addInto(p: F32 | F64, u: F32 | F64, out: F32 | F64): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = p[i]! + u[i]!
}

/**
 * Applies updates to params, leaf by leaf, keeping each param's dtype (float32 params stay float32 even with
 * float64 updates). Returns new params; the inputs are never modified (a training loop that owns its params reuses
 * their storage instead: see `applyGradients` with `donate`).
 * ```text
 * θ' = θ + u
 * ```
 * @example
 * import { applyUpdates, tensor } from 'descent-ts'
 * const p = applyUpdates({ w: tensor([1, 2]), b: 1 }, { w: tensor([0.5, -1], 'float64'), b: -1 })
 * assert.deepStrictEqual([p.w.toArray(), p.w.dtype, p.b], [[1.5, 1], 'float32', 0])
 * @category transforms
 * @since 0.1.0
 */
export function applyUpdates<P extends PyTree>(params: P, updates: PyTree): P {
  return addTrees(params, updates, null)
}

/**
 * @internal {@link applyUpdates} for a caller that owns the params (the train layer with donation): θ + u is written
 * into the storage of each params leaf whose buffer is in `writable`, and into a fresh array elsewhere. Every leaf is
 * checked before the first one is written, so an error leaves the params as they were.
 */
export function applyUpdatesInPlace<P extends PyTree>(
  params: P,
  updates: PyTree,
  writable: ReadonlySet<ArrayBufferLike>,
): P {
  // Dry run: the same walk and leaf checks as the write pass, so that nothing is written unless every leaf passes.
  mapTrees((path, leaves) => (checkLeaves(leaves, path, NAMES), null), [params, updates], NAMES)
  return addTrees(params, updates, writable)
}

const NAMES = ['params', 'updates']

function addTrees<P extends PyTree>(params: P, updates: PyTree, writable: ReadonlySet<ArrayBufferLike> | null): P {
  return mapTrees(
    (path, leaves) => {
      const p = leaves[0]
      const u = leaves[1]
      if (checkLeaves(leaves, path, NAMES) === 'number') return (p as number) + (u as number)
      const pd = (p as Tensor).data
      const out = writable?.has(pd.buffer) === true ? pd : new (arrayTypeOf((p as Tensor).dtype))(pd.length)
      addInto(pd, (u as Tensor).data, out)
      return fromStorage(out, (p as Tensor).shape)
    },
    [params, updates],
    NAMES,
  ) as P
}

/**
 * Polyak averaging of two trees, as optax's `incremental_update`:
 * ```text
 * out = stepSize·new + (1 − stepSize)·old
 * ```
 * @example
 * import { incrementalUpdate } from 'descent-ts'
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
