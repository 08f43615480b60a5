import { primeMalloc } from './primeMalloc'

/**
 * @internal Fresh arrays for kernel outputs that the kernel overwrites in full before anyone reads them.
 *
 * `new Float32Array(n)` zero-fills: glibc's calloc clears memory it reuses (which it does up to its mmap threshold,
 * 32 MiB), a memset of every byte that the kernel then overwrites. At the MLP 784-256-10 step (≈ 3.7 MB of fresh
 * outputs a step: the products' results, Adam's m′, v′, θ′) that was ≈ 3–5 % of the step. In Node,
 * `Buffer.allocUnsafeSlow` gives an ordinary, unshared, unpooled ArrayBuffer of exactly the size asked for without
 * the memset; elsewhere (browsers, Deno without the Buffer global) this is `new Float32Array(n)`.
 *
 * Contract: the caller writes every element before the array leaves its hands (each call site says why it does), so
 * no stale byte is ever observable. Small arrays keep `new Float32Array`, which is as cheap below 2 KiB (no Buffer
 * object, and V8 places the smallest on its own heap); from 2 KiB the skipped fill wins (in-process A/B, Node 20:
 * 0.62 vs 0.84 µs an array at 1024 elements, 0.68 vs 1.02 µs at 2048; the MLP 64-64-10 step's 32×64 activations and
 * their cotangents are 2048).
 */

/** Node's `Buffer.allocUnsafeSlow`, or undefined where there is none. */
type AllocUnsafeSlow = (bytes: number) => { readonly buffer: ArrayBuffer; readonly byteOffset: number }

// Kernel cache (allowed module-level state): looked up once at load, never changed.
const allocUnsafeSlow: AllocUnsafeSlow | undefined = (() => {
  const B = (globalThis as { Buffer?: { allocUnsafeSlow?: unknown } }).Buffer
  return typeof B?.allocUnsafeSlow === 'function' ? (B.allocUnsafeSlow.bind(B) as AllocUnsafeSlow) : undefined
})()

/** From this many elements (2 KiB) an output skips the zero fill. */
export const OUTPUT_UNINIT_MIN = 512

/**
 * A Float32Array of `n` elements over an ArrayBuffer of its own (byteOffset 0, exactly 4n bytes), whose contents
 * are unspecified from {@link OUTPUT_UNINIT_MIN} elements in Node: the caller must overwrite every element.
 */
export function outputF32(n: number): Float32Array {
  if (n < OUTPUT_UNINIT_MIN || allocUnsafeSlow === undefined) return new Float32Array(n)
  primeMalloc()
  const b = allocUnsafeSlow(n * 4)
  return new Float32Array(b.buffer, b.byteOffset, n)
}
