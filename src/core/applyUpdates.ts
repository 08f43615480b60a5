import { takePendingApply } from '../kernels/fused/pendingApply'
import { checkBoolean } from './hyperparams'
import { checkLeaves, zipLeaves } from './leafMath'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from './tensor'
import { forEachLeaf, mapTrees } from './treeTraversal'
import type { PyTree } from './types'

/**
 * Options of {@link applyUpdates}.
 * @category transforms
 * @since 0.1.0
 */
export interface ApplyUpdatesOptions {
  /**
   * Donate the params, as with JAX's `donate_argnums`: θ + u is written into the storage of the params passed in,
   * and the returned tensors share that storage. The caller promises never to use the old params again (nor any
   * tensor or array that shares their storage). Saves one fresh array per leaf; the numbers are bit-identical to the
   * default. A leaf whose storage is shared with another params leaf or with any updates leaf gets a fresh array,
   * as without donation.
   * @defaultValue false
   */
  readonly donate?: boolean | undefined
}

type F32 = Float32Array
type F64 = Float64Array

// Monomorphic loops (no per-element closure call): out[i] = p[i] + u[i], rounded to out's dtype on store.
function addF32F32(p: F32, u: F32, out: F32): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = p[i]! + u[i]!
}
function addF64F64(p: F64, u: F64, out: F64): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = p[i]! + u[i]!
}
function addF32F64(p: F32, u: F64, out: F32): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = p[i]! + u[i]!
}
function addF64F32(p: F64, u: F32, out: F64): void {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = p[i]! + u[i]!
}

/** out = p + u with out of p's type (out may be p itself: each element is read before it is written). */
function addInto(p: F32 | F64, u: F32 | F64, out: F32 | F64): void {
  if (p instanceof Float32Array) {
    if (u instanceof Float32Array) addF32F32(p, u, out as F32)
    else addF32F64(p, u, out as F32)
  } else if (u instanceof Float64Array) addF64F64(p, u, out as F64)
  else addF64F32(p, u, out as F64)
}

/**
 * The params buffers that may be written in place: each held by exactly one params leaf and by no updates leaf
 * (so no later read, of params or updates, sees a written element).
 */
function donatableBuffers(params: PyTree, updates: PyTree): Set<ArrayBufferLike> {
  const count = new Map<ArrayBufferLike, number>()
  forEachLeaf(
    params,
    (x) => {
      if (isTensor(x)) count.set(x.data.buffer, (count.get(x.data.buffer) ?? 0) + 1)
    },
    'params',
  )
  forEachLeaf(
    updates,
    (x) => {
      if (isTensor(x)) count.set(x.data.buffer, 2)
    },
    'updates',
  )
  const out = new Set<ArrayBufferLike>()
  for (const [b, c] of count) if (c === 1) out.add(b)
  return out
}

/**
 * Applies updates to params, leaf by leaf, keeping each param's dtype (float32 params stay float32 even with
 * float64 updates). Returns new params; the inputs are not modified — unless `{ donate: true }` is passed, which
 * writes θ + u into the params' own storage (the old params must not be used again; see
 * {@link ApplyUpdatesOptions.donate}).
 * ```text
 * θ' = θ + u
 * ```
 * @example
 * import { applyUpdates, tensor } from 'descent'
 * const p = applyUpdates({ w: tensor([1, 2]), b: 1 }, { w: tensor([0.5, -1], 'float64'), b: -1 })
 * assert.deepStrictEqual([p.w.toArray(), p.w.dtype, p.b], [[1.5, 1], 'float32', 0])
 * // Donated: the same numbers, written into the old params' storage (do not use `old` afterwards).
 * const old = { w: tensor([1, 2]) }
 * const q = applyUpdates(old, { w: tensor([0.5, -1]) }, { donate: true })
 * assert.deepStrictEqual(q.w.toArray(), [1.5, 1])
 * @category transforms
 * @since 0.1.0
 */
export function applyUpdates<P extends PyTree>(params: P, updates: PyTree, options: ApplyUpdatesOptions = {}): P {
  const names = ['params', 'updates']
  const donate = checkBoolean('applyUpdates', 'options.donate', options.donate ?? false)
  // donate: only params storage that no other params leaf and no updates leaf touches is written in place.
  const donatable = donate ? donatableBuffers(params, updates) : null
  return mapTrees(
    (path, leaves) => {
      const p = leaves[0]
      const u = leaves[1]
      if (typeof p === 'number' || typeof u === 'number' || p === null || u === null) {
        return zipLeaves((a, b) => a + b, leaves, path, names, typeof p === 'number' ? undefined : (p as Tensor).dtype)
      }
      checkLeaves(leaves, path, names)
      const pt = p as Tensor
      const pd = pt.data
      const ud = (u as Tensor).data
      // p + u already computed by a donating fused optimizer step for exactly this params storage and update.
      const ahead = takePendingApply(pd, u as Tensor)
      if (ahead?.out !== undefined) {
        if (donatable !== null && donatable.has(pd.buffer)) ahead.recycle(pd as F32)
        return fromStorage(ahead.out, pt.shape)
      }
      let out: F32 | F64
      if (donatable !== null && donatable.has(pd.buffer)) out = pd
      else out = new (arrayTypeOf(pt.dtype))(pd.length)
      addInto(pd, ud, out)
      return fromStorage(out, pt.shape)
    },
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
