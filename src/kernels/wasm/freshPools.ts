/**
 * @internal The bookkeeping of buffers made ahead by another thread (SharedKernels.fresh): per size, how many are
 * asked for and not received (`ahead`) and which are received and not handed out (`ready`). Sizes are kept in the
 * order last asked for; the ones asked for longest ago are dropped first, so that at most `sizes` sizes of `ahead`
 * buffers each fit `maxBytes`. A size too large for `maxBytes` even once is never kept. The first ask for a size
 * requests one buffer, later ones up to `ahead`: a program that cycles through more sizes than are kept has one
 * buffer made in vain per call, not `ahead`. Whatever is asked for, the bytes in flight (dropped sizes included) and
 * ready never exceed `maxBytes`, and a size holds at most `ahead` ready buffers. Nothing here allocates or sends:
 * `ask` says how many more buffers of the size to request.
 */
export interface FreshPools {
  /** A ready buffer of `bytes` (undefined when none), and how many more of that size to ask for now. */
  readonly ask: (bytes: number) => { readonly got: ArrayBuffer | undefined; readonly more: number }
  /** A buffer asked for has arrived (kept when its size still is and has room, else left to the garbage collector). */
  readonly receive: (buffer: ArrayBuffer) => void
  /** A buffer of `bytes` asked for will not arrive (the other thread could not make it). */
  readonly lost: (bytes: number) => void
  /** Buffers asked for and not received yet, over all sizes. */
  readonly pending: () => number
  /** Bytes asked for and not received yet, plus bytes received and not handed out. */
  readonly held: () => number
  /** The sizes kept, asked for longest ago first. */
  readonly sizes: () => readonly number[]
}

/** Pools of up to `ahead` buffers for each of at most `sizes` sizes, at most `maxBytes` made ahead in all. */
export function freshPools(ahead: number, sizes: number, maxBytes: number): FreshPools {
  const pools = new Map<number, { ahead: number; ready: ArrayBuffer[] }>()
  let pending = 0
  let pendingBytes = 0
  let readyBytes = 0
  const countOf = (bytes: number): number => Math.min(ahead, Math.floor(maxBytes / bytes))
  const drop = (size: number): void => {
    readyBytes -= size * (pools.get(size)?.ready.length ?? 0)
    pools.delete(size)
  }
  return {
    ask: (bytes) => {
      const count = countOf(bytes)
      if (count === 0) return { got: undefined, more: 0 }
      const known = pools.get(bytes)
      const pool = known ?? { ahead: 0, ready: [] }
      pools.delete(bytes)
      pools.set(bytes, pool)
      let kept = 0
      for (const size of pools.keys()) kept += size * countOf(size)
      for (const size of pools.keys()) {
        if (size === bytes || (pools.size <= sizes && kept <= maxBytes)) break
        kept -= size * countOf(size)
        drop(size)
      }
      const got = pool.ready.pop()
      if (got !== undefined) readyBytes -= bytes
      const room = Math.floor((maxBytes - pendingBytes - readyBytes) / bytes)
      const wanted = (known === undefined ? 1 : count) - pool.ahead - pool.ready.length
      const more = Math.max(0, Math.min(wanted, room))
      pool.ahead += more
      pending += more
      pendingBytes += more * bytes
      return { got, more }
    },
    receive: (buffer) => {
      const bytes = buffer.byteLength
      pending--
      pendingBytes -= bytes
      const pool = pools.get(bytes)
      // A size dropped meanwhile, or one whose requests were all received (this one was asked for before its size
      // was dropped and asked for again) and whose ready buffers fill it: left to the garbage collector.
      if (pool === undefined || (pool.ahead === 0 && pool.ready.length >= countOf(bytes))) return
      if (pool.ahead > 0) pool.ahead--
      pool.ready.push(buffer)
      readyBytes += bytes
    },
    lost: (bytes) => {
      pending--
      pendingBytes -= bytes
      const pool = pools.get(bytes)
      if (pool !== undefined && pool.ahead > 0) pool.ahead--
    },
    pending: () => pending,
    held: () => pendingBytes + readyBytes,
    sizes: () => [...pools.keys()],
  }
}
