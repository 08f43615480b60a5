/**
 * @internal Raises glibc's dynamic mmap threshold to its ceiling, once, so that fresh arrays up to 32 MiB reuse
 * freed heap memory instead of new pages.
 *
 * glibc serves an allocation from fresh `mmap`'d pages when it is over its mmap threshold (128 KiB at start), and
 * gives the top of its heap back to the kernel whenever more than its trim threshold (twice the mmap threshold) is
 * free there. Both rise only when a chunk that was mmap'd is freed: the threshold becomes that chunk's size, up to
 * 32 MiB. Until then, each garbage collection that frees a few steps' worth of results returns their memory, and the
 * next steps write fresh pages: a minor page fault per 4 KiB (≈ 0.1–0.5 µs on a plain kernel, ≈ 10 µs under gVisor,
 * where the MLP 784-256-10 step ran ~30 % of its steps 2–3× slower; docs/performance.md, "Round 5"). An ArrayBuffer of
 * just under 32 MiB is an mmap'd chunk whose pages are never touched (calloc needs no clearing of fresh mmap'd
 * memory); when the garbage collector frees it, glibc sets both thresholds to their ceiling, as it would after any
 * program freed a buffer that size. Node on Linux only (glibc's heuristic; elsewhere it would be a wasted
 * allocation); `DESCENT_MALLOC_PRIME=0` turns it off.
 */

/** Just under glibc's DEFAULT_MMAP_THRESHOLD_MAX (32 MiB on 64-bit), with room for its chunk header. */
export const PRIME_BYTES = (32 << 20) - 65536

interface NodeProcess {
  readonly platform?: string
  readonly env?: Record<string, string | undefined>
  readonly versions?: { readonly node?: string }
}

// Kernel cache (allowed module-level state): whether the one allocation has been made; set once, never reset.
let primed = false

/** Makes (and drops) the one allocation, the first time it is called in Node on Linux. */
export function primeMalloc(): void {
  if (primed) return
  primed = true
  try {
    // Reading the environment may throw where it is not allowed (Deno without --allow-env): then nothing is done.
    const p = (globalThis as { process?: NodeProcess }).process
    if (p?.versions?.node === undefined || p.platform !== 'linux' || p.env?.['DESCENT_MALLOC_PRIME'] === '0') return
    void new ArrayBuffer(PRIME_BYTES)
  } catch {
    // Out of address space, or no access to the environment: nothing to gain.
  }
}
