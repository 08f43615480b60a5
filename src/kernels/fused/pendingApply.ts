import type { TypedArray } from '../backend'

/**
 * @internal θ + u computed ahead by a fused optimizer step with `donate: true`, for {@link takePendingApply}.
 *
 * A donating `adamw` writes p′ = f32(p + u) into an optimizer-owned buffer in the same kernel pass as the update
 * (bit-identical to `applyUpdates`' float32 sum), and records it here under the update tensor it returns. When
 * `applyUpdates` then meets exactly that update tensor with exactly the params storage the step read, it returns a
 * tensor over p′ instead of adding again; with `donate: true` it also hands the old params storage back to the
 * optimizer for the next step (double buffering: no fresh array and no second pass over p and u).
 */
export interface PendingApply {
  /** The params storage the step read. */
  readonly p: Float32Array
  /** p + u, rounded to float32. */
  readonly out: Float32Array
  /** False once taken by applyUpdates, or once the optimizer overwrote `out` (a later step). */
  valid: boolean
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
export function takePendingApply(p: TypedArray, u: object): PendingApply | undefined {
  const e = pending.get(u)
  if (e === undefined || !e.valid || e.p !== p) return undefined
  e.valid = false
  pending.delete(u)
  return e
}
