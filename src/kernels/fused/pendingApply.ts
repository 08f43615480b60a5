import type { TypedArray } from '../backend'

/**
 * @internal θ + u computed ahead by a fused optimizer step, for {@link takePendingApply}.
 *
 * The fused `adam` / `adamw` write p′ = f32(p + u) in the same kernel pass as the update (bit-identical to
 * `applyUpdates`' float32 sum) and record it here under the update tensor they return. When `applyUpdates` then
 * meets exactly that update tensor with exactly the params storage the step read, it returns a tensor over p′
 * instead of adding again (no second pass over p and u). With `donate: true` p′ lives in an optimizer-owned buffer
 * and `applyUpdates({ donate: true })` hands the old params storage back for the next step (double buffering);
 * without donation p′ is a fresh array, computed only while the previous one was taken (`out` undefined otherwise:
 * the entry then only records whether `applyUpdates` met the update, so that the next step can speculate again).
 */
export interface PendingApply {
  /** The params storage the step read (dropped once taken, so that the entry keeps no array alive). */
  p: Float32Array | undefined
  /** p + u, rounded to float32; undefined when not computed ahead (or once taken). */
  out: Float32Array | undefined
  /** False once taken by applyUpdates, or once the optimizer overwrote `out` (a later step). */
  valid: boolean
  /** True once applyUpdates met this update with these params. */
  taken: boolean
  /** Takes back a donated params buffer as the next step's output buffer. */
  readonly recycle: (buffer: Float32Array) => void
}

// Keyed by the update tensor object (the layer above: kernels do not import core).
const pending = new WeakMap<object, PendingApply>()

/** @internal Records p′ for the update tensor `u`. */
export function recordPendingApply(u: object, entry: PendingApply): void {
  pending.set(u, entry)
}

/**
 * @internal The precomputed p + u when `u` is an update tensor recorded by {@link recordPendingApply} for exactly the
 * params storage `p` (and not yet taken); the entry is consumed (one taker only).
 */
export function takePendingApply(
  p: TypedArray,
  u: object,
): { readonly out: Float32Array | undefined; readonly recycle: (buffer: Float32Array) => void } | undefined {
  const e = pending.get(u)
  if (e === undefined || !e.valid || e.p !== p) return undefined
  const taken = { out: e.out, recycle: e.recycle }
  e.valid = false
  e.taken = true
  e.p = undefined
  e.out = undefined
  pending.delete(u)
  return taken
}
