import { type WasmArena, newArena } from '../wasm/arena'
import { adamwScalarArgs, workerPartBounds } from '../wasm/adamwSplit'
import { type AdamwScalars, CHUNK, adamwAt } from '../wasm/index'
import { ELEMENTWISE_SPLIT_MIN } from '../wasm/shared'
import { adamwFusedTs } from './adamwFusedTs'

/** @internal One leaf's Adam buffers in an arena: params, moments and the update, each a view of wasm memory. */
export interface AdamwLeafViews {
  readonly p: Float32Array
  readonly m: Float32Array
  readonly v: Float32Array
  readonly u: Float32Array
}

/**
 * @internal The params and Adam moments of a whole tree living in wasm memory (see {@link WasmArena}), so that the
 * fused step updates them in place: per element only the gradient is copied in, nothing is copied out.
 */
export interface AdamwArena {
  readonly arena: WasmArena
  readonly leaves: readonly AdamwLeafViews[]
  /** Where gradient chunks are copied in (by this thread, one chunk at a time). */
  readonly g: Float32Array
  /**
   * Where the gradients of the worker thread's part of a leaf are copied in (a shared arena whose largest leaf has
   * {@link ELEMENTWISE_SPLIT_MIN} elements or more), else null.
   */
  readonly gSplit: Float32Array | null
}

/** The worker's part of a split leaf of n elements: [0, workerPart(n)), about half, on a multiple of 4. */
const workerPart = (n: number): number => Math.floor(n / 8) * 4

/**
 * @internal A zeroed arena for leaves of these sizes, or null where none can be made (see {@link newArena}). Shared
 * (both threads run the step) when a leaf has {@link ELEMENTWISE_SPLIT_MIN} elements or more and the environment
 * has two threads.
 */
export function newAdamwArena(sizes: readonly number[]): AdamwArena | null {
  const largest = Math.max(0, ...sizes)
  const chunk = Math.min(CHUNK, Math.max(4, largest & ~3))
  const split = largest >= ELEMENTWISE_SPLIT_MIN
  // The worker's gradient region exists only in a shared arena (one thread never reads it).
  const arena = newArena([...sizes.flatMap((n) => [n, n, n, n]), chunk], split ? [workerPart(largest)] : [])
  if (arena === null) return null
  const r = arena.regions
  const leaves = sizes.map((_, i) => ({ p: r[4 * i]!, m: r[4 * i + 1]!, v: r[4 * i + 2]!, u: r[4 * i + 3]! }))
  const g = r[4 * sizes.length]!
  return { arena, leaves, g, gSplit: arena.split !== null ? r[4 * sizes.length + 1]! : null }
}

/**
 * @internal One fused Adam/AdamW step on leaf `i` of the arena, in place: p, m, v become p′, m′, v′ and u the
 * update, bit-identical to {@link adamwFusedTs} (the SIMD kernel, then its scalar tail). `g` must not be a view of
 * this arena (it is read while the arena is written). With `storeU` false the update is not stored (the caller never
 * reads it: 4 of the 36 bytes per element the step moves); the leaf's u then holds no meaningful values.
 * A leaf of {@link ELEMENTWISE_SPLIT_MIN} elements or more in a shared arena runs on two threads once the worker has
 * bound the arena: the worker takes the first half (its gradients copied in whole first), this thread the rest
 * (chunk by chunk, as on one thread); every element goes through the same instructions, so the bytes are those of
 * one thread. `threads`: 1 forces this thread only; 2 splits whenever the worker has bound the arena, at any size and
 * without the back-off after a late worker (tests, benchmarks).
 */
export function adamwInArena(
  a: AdamwArena,
  i: number,
  g: Float32Array,
  c: AdamwScalars,
  storeU = true,
  threads?: 1 | 2,
): void {
  const leaf = a.leaves[i]!
  const { p, m, v, u } = leaf
  const n = p.length
  const n4 = n & ~3
  const k = a.arena.kernels
  const gs = a.g
  const chunk = gs.length
  const at = (view: Float32Array, lo: number) => view.byteOffset + lo * 4
  const uAt = (lo: number) => (storeU ? at(u, lo) : 0)
  const chunks = (from: number) => {
    for (let lo = from; lo < n4; lo += chunk) {
      const len = Math.min(chunk, n4 - lo)
      gs.set(g.subarray(lo, lo + len))
      const [pp, mp, vp] = [at(p, lo), at(m, lo), at(v, lo)]
      adamwAt(k, pp, gs.byteOffset, mp, vp, mp, vp, uAt(lo), pp, len, c)
    }
  }
  const site = a.arena.split
  const h = workerPart(n4)
  const big = threads === 2 ? n4 >= 8 : threads === undefined && n4 >= ELEMENTWISE_SPLIT_MIN
  if (big && a.gSplit !== null && site !== null && site.threads() === 2) {
    const gw = a.gSplit
    const s = adamwScalarArgs(c)
    // The worker's half in a few parts, each claimable once its gradients are copied in (the worker starts on the
    // first while the next are copied); this thread runs the parts the worker has not claimed once its own share is done.
    const bounds = workerPartBounds(h)
    const parts = bounds.slice(0, -1).map((lo, j) => {
      const [pp, mp, vp] = [at(p, lo), at(m, lo), at(v, lo)]
      return [pp, at(gw, lo), mp, vp, mp, vp, uAt(lo), pp, bounds[j + 1]! - lo, ...s]
    })
    const prepare = (j: number) => gw.set(g.subarray(bounds[j]!, bounds[j + 1]!), bounds[j]!)
    site.parallel('adamw', parts, threads === 2, () => chunks(h), prepare)
  } else chunks(0)
  if (n4 < n) adamwFusedTs(p, g, m, v, c, leaf, n4, n)
}
