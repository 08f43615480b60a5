/**
 * @internal The bookkeeping of buffers made ahead by another thread (SharedKernels.fresh): per size, how many are
 * asked for and not received (`ahead`) and which are received and not handed out (`ready`). Sizes are kept in the
 * order last asked for; the ones asked for longest ago are dropped first, so that at most `sizes` sizes of `ahead`
 * buffers each, and at most `maxBytes` in all, are kept. A size too large for `maxBytes` even once is never kept.
 * The first ask for a size requests one buffer, later ones up to `ahead`: a program that cycles through more sizes
 * than are kept has one buffer made in vain per call, not `ahead`. Nothing here allocates or sends: `ask` says how
 * many more buffers of the size to request.
 */
export interface FreshPools {
  /** A ready buffer of `bytes` (undefined when none), and how many more of that size to ask for now. */
  readonly ask: (bytes: number) => { readonly got: ArrayBuffer | undefined; readonly more: number }
  /** A buffer asked for has arrived (kept when its size still is, else left to the garbage collector). */
  readonly receive: (buffer: ArrayBuffer) => void
  /** Buffers asked for and not received yet, over all sizes. */
  readonly pending: () => number
  /** The sizes kept, asked for longest ago first. */
  readonly sizes: () => readonly number[]
}

/** Pools of up to `ahead` buffers for each of at most `sizes` sizes, at most `maxBytes` made ahead in all. */
export function freshPools(ahead: number, sizes: number, maxBytes: number): FreshPools {
  const pools = new Map<number, { ahead: number; ready: ArrayBuffer[] }>()
  let pending = 0
  const countOf = (bytes: number): number => Math.min(ahead, Math.floor(maxBytes / bytes))
  return {
    ask: (bytes) => {
      const count = countOf(bytes)
      if (count === 0) return { got: undefined, more: 0 }
      const known = pools.get(bytes)
      const pool = known ?? { ahead: 0, ready: [] }
      pools.delete(bytes)
      pools.set(bytes, pool)
      let held = 0
      for (const size of pools.keys()) held += size * countOf(size)
      for (const size of pools.keys()) {
        if (size === bytes || (pools.size <= sizes && held <= maxBytes)) break
        held -= size * countOf(size)
        pools.delete(size)
      }
      const got = pool.ready.pop()
      const more = Math.max(0, (known === undefined ? 1 : count) - pool.ahead - pool.ready.length)
      pool.ahead += more
      pending += more
      return { got, more }
    },
    receive: (buffer) => {
      pending--
      const pool = pools.get(buffer.byteLength)
      if (pool === undefined) return
      // One asked for before its size was dropped and asked for again counts as one of the new requests.
      if (pool.ahead > 0) pool.ahead--
      pool.ready.push(buffer)
    },
    pending: () => pending,
    sizes: () => [...pools.keys()],
  }
}
