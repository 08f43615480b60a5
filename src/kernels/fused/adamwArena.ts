import { type WasmArena, newArena } from '../wasm/arena'
import { type AdamwScalars, CHUNK, adamwAt } from '../wasm/index'
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
  /** Where gradient chunks are copied in. */
  readonly g: Float32Array
}

/** @internal A zeroed arena for leaves of these sizes, or null where none can be made (see {@link newArena}). */
export function newAdamwArena(sizes: readonly number[]): AdamwArena | null {
  const chunk = Math.min(CHUNK, Math.max(4, ...sizes.map((n) => n & ~3)))
  const arena = newArena([...sizes.flatMap((n) => [n, n, n, n]), chunk])
  if (arena === null) return null
  const r = arena.regions
  const leaves = sizes.map((_, i) => ({ p: r[4 * i]!, m: r[4 * i + 1]!, v: r[4 * i + 2]!, u: r[4 * i + 3]! }))
  return { arena, leaves, g: r[r.length - 1]! }
}

/**
 * @internal One fused Adam/AdamW step on leaf `i` of the arena, in place: p, m, v become p′, m′, v′ and u the
 * update, bit-identical to {@link adamwFusedTs} (the SIMD kernel, then its scalar tail). `g` must not be a view of
 * this arena (it is read while the arena is written). With `storeU` false the update is not stored (the caller never
 * reads it: 4 of the 36 bytes per element the step moves); the leaf's u then holds no meaningful values.
 */
export function adamwInArena(a: AdamwArena, i: number, g: Float32Array, c: AdamwScalars, storeU = true): void {
  const leaf = a.leaves[i]!
  const { p, m, v, u } = leaf
  const n = p.length
  const n4 = n & ~3
  const k = a.arena.kernels
  const gs = a.g
  const chunk = gs.length
  for (let lo = 0; lo < n4; lo += chunk) {
    const len = Math.min(chunk, n4 - lo)
    gs.set(g.subarray(lo, lo + len))
    const off = lo * 4
    const [pp, mp, vp] = [p.byteOffset + off, m.byteOffset + off, v.byteOffset + off]
    adamwAt(k, pp, gs.byteOffset, mp, vp, mp, vp, storeU ? u.byteOffset + off : 0, pp, len, c)
  }
  if (n4 < n) adamwFusedTs(p, g, m, v, c, leaf, n4, n)
}
