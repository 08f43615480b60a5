import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { PyTree } from '../core/types'
import { type AdamwArena, newAdamwArena } from '../kernels/fused/adamwArena'

/**
 * @internal Where one donating stepper keeps the wasm memory its Adam state lives in (one per stepper, never shared:
 * the states it returns are views of it, and only a state donated back to the same stepper is updated in place).
 */
export interface ArenaSlot {
  current: AdamwArena | null
}

/** Smallest tree (elements) worth its own wasm instance; below, the plain donated path costs as little. */
export const ARENA_MIN = 2048

/**
 * @internal The arena holding the donated params and moments `ps`, `ms`, `vs`: the slot's own when these are exactly
 * its views (the state this stepper returned last, donated back), else a new one with them copied in (the first
 * donated step, or a state from elsewhere: the old arena is then left untouched, since a state the caller still holds
 * may be its views). Also a new one when a tree in `readers` (the gradients, the new states of earlier parts) has a
 * view of the slot's arena: those must read it unchanged. Null where no arena can be made (no WebAssembly SIMD,
 * memory refused): the caller takes the plain donated path.
 */
export function hostAdamState(
  slot: ArenaSlot,
  ps: readonly Float32Array[],
  ms: readonly Float32Array[],
  vs: readonly Float32Array[],
  readers: readonly PyTree[],
): AdamwArena | null {
  const a = slot.current
  if (a !== null && isHostedBy(a, ps, ms, vs) && !readsArena(a, readers)) return a
  if (ps.reduce((s, p) => s + p.length, 0) < ARENA_MIN) return null
  const next = newAdamwArena(ps.map((p) => p.length))
  if (next === null) return null
  next.leaves.forEach((l, i) => {
    l.p.set(ps[i]!)
    l.m.set(ms[i]!)
    l.v.set(vs[i]!)
  })
  slot.current = next
  return next
}

function isHostedBy(
  a: AdamwArena,
  ps: readonly Float32Array[],
  ms: readonly Float32Array[],
  vs: readonly Float32Array[],
): boolean {
  if (a.leaves.length !== ps.length) return false
  return a.leaves.every((l, i) => l.p === ps[i] && l.m === ms[i] && l.v === vs[i])
}

function readsArena(a: AdamwArena, readers: readonly PyTree[]): boolean {
  const b = a.arena.buffer
  return readers.some((t) => tree.leaves(t).some((x) => isTensor(x) && x.data.buffer === b))
}
