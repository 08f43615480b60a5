import { outputF32 } from '../outputF32'
import { freshPools } from './freshPools'
import { KERNELS_WASM_SHARED_BASE64 } from './kernelsWasm'
import { type KernelExports, type KernelName, type WasmMemory, PAGE, decode, wasmApi } from './module'

/**
 * The kernels over one shared WebAssembly memory, run by this thread and (in Node) one worker thread.
 *
 * The shared build of the module (scripts/build-wasm.mjs: `--importMemory --sharedMemory`) is instantiated here and
 * in one persistent worker (worker_threads, started lazily by the first call that splits, `unref`ed so it never keeps
 * the process alive) over the same memory. Buffers live in that memory ({@link SharedKernels.alloc}); both threads
 * read and write them in place. {@link SharedKernels.parallel} runs one kernel on a list of disjoint parts: it posts
 * the parts in a control block (a small SharedArrayBuffer) and wakes the worker (`Atomics.notify`); then both threads
 * claim parts one at a time (`Atomics.compareExchange`) until none is left, and this thread waits for the worker's
 * last part (`Atomics.wait`). A worker slow to wake (a loaded machine) leaves its parts to this thread: never much
 * slower than one thread. The public API stays synchronous.
 *
 * Splitting an elementwise kernel, e.g. `adamw(p, g, m, v, mOut, vOut, uOut, pOut, n, ...scalars)` (what
 * {@link SharedKernels.elementwise} does): cut [0, n) at multiples of the SIMD width (4 floats), and give each part
 * every pointer advanced by 4 bytes per element before it:
 * ```text
 * parallel('adamw', [[p, g, m, v, mo, vo, uo, po, n0, ...s], [p + 4n0, g + 4n0, ..., po + 4n0, n - n0, ...s]])
 * ```
 * Each element is computed by the same instructions whichever thread runs it, so the result is bit-identical to one
 * call over [0, n). Split only work that outlasts the handoff (≈ 20–100 µs, more on a loaded machine; see
 * {@link SPLIT_MIN_MACS}, {@link ELEMENTWISE_SPLIT_MIN}): below that, call the kernel on `exports`. A kernel run by
 * `parallel` must only touch the memory it is given (the two instances have their own globals; the stub runtime
 * allocates nothing).
 *
 * The thread count: 2 where the machine has two cores or more (`os.availableParallelism()` in Node ≥ 20.16, through
 * `process.getBuiltinModule`; `navigator.hardwareConcurrency` in browsers), else 1; `DESCENT_THREADS=1` in the
 * environment forces 1 in Node. In a browser the worker is a Web Worker loaded from a blob URL (a page whose
 * Content-Security-Policy forbids blob: workers keeps one thread), and the main thread, which may not
 * `Atomics.wait`, spins on the control block while the worker finishes its part.
 * Where SharedArrayBuffer or shared WebAssembly memory is unavailable, {@link sharedKernels} is null and the callers
 * use the module with its own memory (wasm/index.ts), one thread.
 */
export interface SharedKernels {
  /** This thread's instance. */
  readonly exports: KernelExports
  readonly memory: WasmMemory
  /** A Float32Array over the whole memory (a fresh view after growth). */
  readonly f32: () => Float32Array
  /** Reserves `bytes` bytes (16-byte aligned, growing the memory as needed); returns the byte offset. */
  readonly alloc: (bytes: number) => number
  /** Returns a block from {@link SharedKernels.alloc}. */
  readonly free: (ptr: number) => void
  /** How many threads {@link SharedKernels.parallel} uses now: 2 once the worker is up, else 1. Starts the worker. */
  readonly threads: () => number
  /** How many parallel calls were posted to the worker (tests check that a split happened). */
  readonly splits: () => number
  /** 'one' (one thread wanted here), 'starting', 'up', or 'failed' (the worker did not start: one thread). */
  readonly workerState: () => 'one' | 'starting' | 'up' | 'failed'
  /**
   * Runs `name(...part)` for every part (at most 63 parts of the same length, 256 numbers in all), on both threads,
   * and returns when all are done (all here, in order, while the worker is not up or threads are limited to 1, and
   * for a few calls after one where the worker was late, on a loaded machine, unless `force`). `alongside` and
   * `prepare` as in {@link SharedMemoryKernels.parallel}.
   */
  readonly parallel: (
    name: KernelName,
    parts: readonly (readonly number[])[],
    force?: boolean,
    alongside?: () => void,
    prepare?: (part: number) => void,
  ) => void
  /**
   * An elementwise kernel `name(...ptrs, n, ...scalars)` over [0, n): from {@link ELEMENTWISE_SPLIT_MIN} elements
   * in 2–8 parts cut at multiples of 4 elements (every non-zero pointer advanced by 4 bytes per element, zero
   * pointers — absent outputs — left at 0) run by {@link SharedKernels.parallel}, else one call here. Bit-identical
   * to one call.
   */
  readonly elementwise: (
    name: KernelName,
    ptrs: readonly number[],
    n: number,
    scalars: readonly number[],
    force?: boolean,
  ) => void
  /**
   * A shared memory of its own (`bytes` bytes, never grown) with this thread's instance over it, for buffers that
   * outlive a call (wasm/arena.ts); null where one thread is wanted here or the engine refuses the memory. The worker
   * instantiates the module over it the first time {@link SharedMemoryKernels.threads} is asked, and drops that
   * instance when the returned object is garbage-collected.
   */
  readonly newMemory: (bytes: number) => SharedMemoryKernels | null
  /**
   * A zero-filled Float32Array of `n` elements on an ordinary ArrayBuffer that nothing else references (like `new
   * Float32Array(n)`). From {@link FRESH_MIN_BYTES} on, in Node with the worker up, it is one the worker thread made
   * ahead of time with every page already written (the first touch of a fresh page is a page fault: ≈ 10 µs per 4 KiB
   * under gVisor, ≈ 100 ms per 40 MB), transferred here; the worker then makes another. Up to {@link FRESH_AHEAD}
   * buffers of each of the {@link FRESH_SIZES} sizes asked for most recently are kept in flight (one after the first
   * call of a size), at most {@link FRESH_MAX_BYTES} in all (that much memory stays held while nothing asks for them;
   * the bookkeeping is freshPools.ts). When none is ready, `orElse(n)` (default: a new zero-filled array).
   */
  readonly fresh: (n: number, orElse?: (n: number) => Float32Array) => Float32Array
  /** How many arrays {@link SharedKernels.fresh} took from the worker (tests). */
  readonly freshTaken: () => number
  /** True when every buffer asked of the worker has arrived (tests wait for it; see whenFreshSettled). */
  readonly freshSettled: () => boolean
}

/** The kernels over one shared memory of their own (see {@link SharedKernels.newMemory}). */
export interface SharedMemoryKernels {
  /** This thread's instance. */
  readonly exports: KernelExports
  readonly memory: WasmMemory
  /** 2 once the worker has its instance over this memory, else 1 (the first call asks it to make one). */
  readonly threads: () => number
  /**
   * Runs `name(...part)` for every part of `parts` on either thread (as {@link SharedKernels.parallel}), with
   * `alongside` run by this thread right after the parts are posted (its own share of the work, which may prepare
   * nothing the parts read). With `prepare`, part j becomes claimable only once `prepare(j)` has run (on this
   * thread, in order, right after posting): the worker starts on the first part while the others are prepared.
   * One thread (each part after its `prepare`, then `alongside`) while the worker has no instance over this memory
   * or, unless `force`, for a few calls after one where the worker was late.
   */
  readonly parallel: (
    name: KernelName,
    parts: readonly (readonly number[])[],
    force?: boolean,
    alongside?: () => void,
    prepare?: (part: number) => void,
  ) => void
}

/**
 * The smallest matmul (M·K·N multiply-adds) worth two threads: below it the handoff costs more than half the
 * product saves. Measured with bench/ab-threads.ts on the 2-vCPU bench machine (docs/performance.md): quiet, two
 * threads gave 0.94× at 96³ (8.8·10⁵), 1.18× at 128³ (2.1·10⁶), 1.43× at 160³ (4.1·10⁶) and 1.45–1.95× above;
 * with the worker slow to wake (load 5–10) 0.72–0.89× up to 160³. From 2²² the quiet gain outweighs that risk.
 */
export const SPLIT_MIN_MACS = 1 << 22

/**
 * The smallest elementwise kernel call worth two threads, in elements (see {@link SharedKernels.elementwise}; the
 * donated Adam step, fused/adamwArena.ts). Measured with bench/ab-threads-adam.ts on the 2-vCPU bench machine
 * (docs/performance.md): quiet, two threads gave 0.88× at 2¹⁴, 1.25× at 2¹⁵, 1.49× at 2¹⁶ and 1.62–1.74× from 2¹⁷
 * up to 10⁷; with the worker slow to wake (load 5–10) 0.89–0.95× up to 2¹⁸. From 2¹⁶ the quiet gain outweighs that
 * risk.
 */
export const ELEMENTWISE_SPLIT_MIN = 1 << 16

/**
 * The smallest array {@link SharedKernels.fresh} asks the worker for, in bytes. glibc serves allocations under its
 * mmap threshold (which grows up to 32 MiB) from memory it reuses, but only once the garbage collector has freed
 * earlier ones, and it returns what it holds to the kernel whenever the free memory at the top of its heap passes
 * twice that threshold: a 1024² matmul's 4 MiB result still took ~900 page faults a call, an Adam 1e6 pure step
 * ~600 (docs/performance.md, "Fresh memory and page faults"). Below 1 MiB the faults per call are few.
 */
export const FRESH_MIN_BYTES = 1 << 20

/** Buffers of one size the worker makes ahead for {@link SharedKernels.fresh}: one step's three outputs. */
export const FRESH_AHEAD = 3

/** Sizes {@link SharedKernels.fresh} keeps buffers of at most (the ones asked for most recently). */
export const FRESH_SIZES = 4

/** Bytes {@link SharedKernels.fresh} keeps made ahead (in flight or ready) at most, over all sizes. */
export const FRESH_MAX_BYTES = 1 << 28

/** Parts of one parallel call at most, and the argument slots they share. */
const MAX_PARTS = 63
const MAX_ARGS = 256
// Control block (Int32 slots). JOB: the job number this thread posted (the worker waits on it). CLAIM: job·64 + the
// next unclaimed part (either thread claims a part with compareExchange, so a part runs exactly once, and a worker
// that wakes late finds nothing left instead of running a stale job). FN: kernel index (in the sorted list of
// exported functions, the same in both instances). ARGC: arguments per part. PARTS: part count. FINISHED: parts done.
// STATUS: 1 when a worker's kernel threw. READY: 1 once the worker's instance is up (−1 when it failed). MEM: which
// memory the job runs on (0: the pool's; else a memory from newMemory). MAIL: messages posted to the worker so far
// (it leaves its wait loop to receive them; a message also bumps JOB, without parts, so that a waiting worker wakes).
const JOB = 0
const CLAIM = 1
const FN = 2
const ARGC = 3
const PARTS = 4
const FINISHED = 5
const STATUS = 6
const READY = 7
const MEM = 8
const MAIL = 9
// PUBLISHED: parts claimable so far (all of them, but for a call with `prepare`, where this thread publishes them one
// by one; the worker waits on it).
const PUBLISHED = 10
const ARGS_AT = 48

/**
 * The worker's program, as a script (no file to resolve from dist/, ESM or CJS, or from a bundle): Node runs it with
 * `eval: true` and hands over the module, memory and control block as workerData; a browser loads it from a blob URL
 * and gets them in its first message. It then serves jobs until the process (or page) ends. Later messages bind a
 * memory from newMemory ({ bind, memory, flag }: instantiate the module over it, then set flag[0] to 1, or −1 when
 * that failed), drop one ({ drop }), or ask for `count` zeroed buffers of `fresh` bytes with every page written once
 * (so already faulted in), transferred back over `port` (Node only; see SharedKernels.fresh). The serving loop blocks its thread, so it returns whenever MAIL says a
 * message was posted; the message handler resumes it.
 */
const SERVE = `
  function serve({ module, memory, control, port }) {
    const ctl = new Int32Array(control, 0, ${ARGS_AT / 4})
    const args = new Float64Array(control, ${ARGS_AT}, ${MAX_ARGS})
    const instantiate = (mem) => {
      const ex = new WebAssembly.Instance(module, { env: { memory: mem } }).exports
      return Object.keys(ex).filter((k) => typeof ex[k] === 'function').sort().map((k) => ex[k])
    }
    const sites = new Map()
    try {
      sites.set(0, instantiate(memory))
      Atomics.store(ctl, ${READY}, 1)
    } catch {
      Atomics.store(ctl, ${READY}, -1)
    }
    Atomics.notify(ctl, ${READY})
    if (!sites.has(0)) return null
    let seen = 0
    let mail = 0
    // Takes the job last posted and runs its parts that no thread has claimed yet.
    const serveJob = () => {
      seen = Atomics.load(ctl, ${JOB})
      for (;;) {
        const v = Atomics.load(ctl, ${CLAIM})
        if (v >>> 6 !== seen || (v & 63) >= ctl[${PARTS}]) break
        const fns = sites.get(ctl[${MEM}])
        if (fns === undefined) break
        const published = Atomics.load(ctl, ${PUBLISHED})
        if ((v & 63) >= published) {
          Atomics.wait(ctl, ${PUBLISHED}, published, 50)
          continue
        }
        if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue
        const argc = ctl[${ARGC}]
        try {
          fns[ctl[${FN}]](...args.subarray((v & 63) * argc, ((v & 63) + 1) * argc))
        } catch {
          Atomics.store(ctl, ${STATUS}, 1)
        }
        Atomics.add(ctl, ${FINISHED}, 1)
        Atomics.notify(ctl, ${FINISHED})
      }
    }
    const run = () => {
      for (;;) {
        if (Atomics.load(ctl, ${MAIL}) !== mail) return
        Atomics.wait(ctl, ${JOB}, seen)
        serveJob()
      }
    }
    const receive = (msg) => {
      mail++
      if (msg.bind !== undefined) {
        try {
          sites.set(msg.bind, instantiate(msg.memory))
          Atomics.store(msg.flag, 0, 1)
        } catch {
          Atomics.store(msg.flag, 0, -1)
        }
      } else if (msg.drop !== undefined) sites.delete(msg.drop)
      else if (msg.fresh !== undefined && port !== undefined) {
        for (let i = 0; i < msg.count; i++) {
          let buffer
          try {
            buffer = new ArrayBuffer(msg.fresh)
          } catch {
            // Out of memory: say so, so that the request stops counting as in flight.
            port.postMessage({ lost: msg.fresh })
            continue
          }
          const bytes = new Uint8Array(buffer)
          // 256 KiB of pages at a time, serving any job posted meanwhile first: faulting 40 MB in can take longer
          // than a step (~100 ms where a fault costs 10 µs), and a split step or product must not wait for it.
          for (let at = 0; at < bytes.length; at += 4096) {
            if ((at & 0x3ffff) === 0 && Atomics.load(ctl, ${JOB}) !== seen) serveJob()
            bytes[at] = 0
          }
          port.postMessage(buffer, [buffer])
        }
      }
      run()
    }
    return { run, receive }
  }
`
const NODE_WORKER = `${SERVE}
  const wt = process.getBuiltinModule('node:worker_threads')
  const served = serve(wt.workerData)
  if (served !== null) {
    wt.parentPort.on('message', served.receive)
    served.run()
  }
`
const BROWSER_WORKER = `${SERVE}
  onmessage = (e) => {
    onmessage = null
    const served = serve(e.data)
    if (served === null) return
    onmessage = (m) => served.receive(m.data)
    served.run()
  }
`

/** What the worker gets: the compiled module, the shared memory, the control block. */
interface WorkerData {
  readonly module: object
  readonly memory: WasmMemory
  readonly control: SharedArrayBuffer
  /** Node: where the worker sends the buffers asked for with { fresh } (received synchronously here). */
  readonly port?: object
}
interface NodeWorkerThreads {
  readonly Worker?: NodeWorkerCtor
  readonly MessageChannel: new () => { port1: { unref(): void }; port2: object }
  readonly receiveMessageOnPort: (port: object) => { message: unknown } | undefined
}
interface NodeProcess {
  readonly env?: Record<string, string | undefined>
  readonly getBuiltinModule?: (id: string) => unknown
}
type NodeWorkerCtor = new (
  code: string,
  options: { eval: true; workerData: WorkerData; transferList: object[] },
) => { unref(): void; postMessage(message: unknown): void }
interface BrowserGlobals {
  readonly Worker?: new (url: string) => { postMessage(data: unknown): void; onerror: (() => void) | null }
  readonly Blob?: new (parts: string[], options: { type: string }) => object
  readonly URL?: { createObjectURL?: (blob: object) => string }
  readonly navigator?: { hardwareConcurrency?: number }
}
/** Posts a message to the worker (see SERVE). */
type Post = (message: object) => void
/** The next buffer the worker sent back (Node; where it could not make one, its size as `{ lost }`), if any. */
type Take = () => ArrayBuffer | { readonly lost: number } | undefined
interface Started {
  readonly post: Post
  readonly take: Take | null
}

/**
 * How many threads to use here, and how to start the worker (returning how to post it messages): see
 * {@link SharedKernels}. `onFail` is called when a browser worker fails to load (a Content-Security-Policy without
 * blob: workers).
 */
function wantedThreads():
  { count: 1 } | { count: 2; takes: boolean; start: (data: WorkerData, onFail: () => void) => Started } {
  const proc = (globalThis as { process?: NodeProcess }).process
  const get = proc?.getBuiltinModule
  if (get !== undefined) {
    let one = false
    try {
      one = proc?.env?.['DESCENT_THREADS'] === '1'
    } catch {
      // No access to the environment (Deno without --allow-env): the default.
    }
    if (one) return { count: 1 }
    const os = get('node:os') as { availableParallelism?: () => number }
    const wt = get('node:worker_threads') as NodeWorkerThreads | undefined
    const Worker = wt?.Worker
    if (wt === undefined || Worker === undefined || (os.availableParallelism?.() ?? 1) < 2) return { count: 1 }
    return {
      count: 2,
      takes: true,
      start: (data) => {
        const { port1, port2 } = new wt.MessageChannel()
        port1.unref()
        const w = new Worker(NODE_WORKER, { eval: true, workerData: { ...data, port: port2 }, transferList: [port2] })
        w.unref()
        return {
          post: (message) => w.postMessage(message),
          take: () => wt.receiveMessageOnPort(port1)?.message as ReturnType<Take>,
        }
      },
    }
  }
  const g = globalThis as BrowserGlobals
  const { Worker, Blob } = g
  const createObjectURL = g.URL?.createObjectURL
  if (Worker === undefined || Blob === undefined || createObjectURL === undefined) return { count: 1 }
  if ((g.navigator?.hardwareConcurrency ?? 1) < 2) return { count: 1 }
  return {
    count: 2,
    takes: false,
    start: (data, onFail) => {
      const w = new Worker(createObjectURL(new Blob([BROWSER_WORKER], { type: 'text/javascript' })))
      w.onerror = onFail
      w.postMessage(data)
      return { post: (message) => w.postMessage(message), take: null }
    },
  }
}

/** First-fit allocator over [base, ∞) of `memory`, with coalescing; grows the memory on demand. */
function allocator(memory: WasmMemory, base: number): Pick<SharedKernels, 'alloc' | 'free'> {
  let top = base
  const sizes = new Map<number, number>()
  const holes: { ptr: number; size: number }[] = [] // sorted by ptr, never adjacent
  const alloc = (bytes: number): number => {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16)
    const i = holes.findIndex((h) => h.size >= size)
    let ptr: number
    if (i >= 0) {
      const h = holes[i]!
      ptr = h.ptr
      if (h.size === size) holes.splice(i, 1)
      else holes[i] = { ptr: h.ptr + size, size: h.size - size }
    } else {
      ptr = top
      top += size
      const have = memory.buffer.byteLength
      if (top > have) memory.grow(Math.ceil((top - have) / PAGE))
    }
    sizes.set(ptr, size)
    return ptr
  }
  const free = (ptr: number): void => {
    const size = sizes.get(ptr)
    if (size === undefined) throw new Error(`sharedKernels.free: ${ptr} was not allocated`)
    sizes.delete(ptr)
    let i = holes.findIndex((h) => h.ptr > ptr)
    if (i < 0) i = holes.length
    let hole = { ptr, size }
    const next = holes[i]
    if (next !== undefined && ptr + size === next.ptr) {
      hole = { ptr, size: size + next.size }
      holes.splice(i, 1)
    }
    const prev = holes[i - 1]
    if (prev !== undefined && prev.ptr + prev.size === ptr) {
      hole = { ptr: prev.ptr, size: prev.size + hole.size }
      holes.splice(--i, 1)
    }
    if (hole.ptr + hole.size === top) top = hole.ptr
    else holes.splice(i, 0, hole)
  }
  return { alloc, free }
}

function create(): SharedKernels | null {
  const api = wasmApi()
  if (api === undefined || typeof SharedArrayBuffer === 'undefined') return null
  // A browser page that is not cross-origin isolated has no SharedArrayBuffer (or refuses to share it).
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return null
  const module = new api.Module(decode(KERNELS_WASM_SHARED_BASE64))
  // The maximum is reserved as address space up front (not memory): 4 GiB where the engine allows it, less on
  // engines that refuse a shared memory that large.
  let memory: WasmMemory | undefined
  for (const maximum of [65536, 16384, 4096]) {
    try {
      memory = new api.Memory({ initial: 2, maximum, shared: true })
      break
    } catch {
      // try a smaller reservation
    }
  }
  if (memory === undefined || !(memory.buffer instanceof SharedArrayBuffer)) return null
  const exports = new api.Instance(module, { env: { memory } }).exports as KernelExports
  const names = Object.keys(exports)
    .filter((k) => typeof (exports as unknown as Record<string, unknown>)[k] === 'function')
    .sort()
  const control = new SharedArrayBuffer(ARGS_AT + 8 * MAX_ARGS)
  const ctl = new Int32Array(control, 0, ARGS_AT / 4)
  const args = new Float64Array(control, ARGS_AT, MAX_ARGS)
  const wanted = wantedThreads()
  let started = false
  let post: Post | null = null
  let take: Take | null = null
  let job = 0
  let posted = 0
  let view = new Float32Array(memory.buffer)
  const nextJob = (): number => (job = job === (1 << 24) - 1 ? 1 : job + 1)

  const threads = (): number => {
    if (wanted.count === 1) return 1
    if (!started) {
      started = true
      const fail = () => Atomics.store(ctl, READY, -1)
      try {
        ;({ post, take } = wanted.start({ module, memory, control }, fail))
      } catch {
        fail()
      }
    }
    return Atomics.load(ctl, READY) === 1 ? 2 : 1
  }

  /** Posts a message to the worker and makes it leave its wait loop to receive it (see SERVE). */
  const mail = (message: object): void => {
    if (post === null) return
    post(message)
    Atomics.add(ctl, MAIL, 1)
    Atomics.store(ctl, JOB, nextJob())
    Atomics.notify(ctl, JOB)
  }

  // A browser's main thread may not block (Atomics.wait throws there): it spins on the control block instead.
  let canBlock = true
  const waitFinished = (parts: number): void => {
    // A short spin first: the worker's last part usually ends about when this thread's does, sooner than a futex
    // wake-up of this thread would come.
    for (let spin = 0; spin < 2000 && Atomics.load(ctl, FINISHED) !== parts; spin++);
    for (let done = Atomics.load(ctl, FINISHED); done !== parts; done = Atomics.load(ctl, FINISHED)) {
      if (!canBlock) continue
      try {
        Atomics.wait(ctl, FINISHED, done)
      } catch {
        canBlock = false
      }
    }
  }

  // Back-off on a loaded machine: when this thread waited for the worker longer than it computed itself (the worker
  // was descheduled mid-part), the next `cooldown` calls of that kernel run here; the back-off doubles while that
  // repeats. Kept per kernel: a late worker on a cheap call (matmul's packing) must not keep the product that follows
  // it on one thread.
  const backoffs = new Map<KernelName, { backoff: number; cooldown: number }>()
  const clock = (globalThis as { performance?: { now(): number } }).performance
  /** The parallel call on memory `mem` (0: the pool's), whose instance here is `ex`, with `two` threads available. */
  const run = (
    mem: number,
    ex: KernelExports,
    two: boolean,
    name: KernelName,
    parts: readonly (readonly number[])[],
    force: boolean,
    alongside?: () => void,
    prepare?: (part: number) => void,
  ): void => {
    const fn = ex[name] as (...xs: number[]) => void
    let late = backoffs.get(name)
    if (late === undefined) backoffs.set(name, (late = { backoff: 0, cooldown: 0 }))
    if (parts.length < (alongside === undefined ? 2 : 1) || !two || (!force && late.cooldown > 0)) {
      if (!force && late.cooldown > 0) late.cooldown--
      parts.forEach((p, j) => {
        prepare?.(j)
        fn(...p)
      })
      alongside?.()
      return
    }
    const argc = parts[0]!.length
    if (parts.length > MAX_PARTS || argc * parts.length > MAX_ARGS || parts.some((p) => p.length !== argc)) {
      throw new RangeError(`parallel: at most ${MAX_PARTS} parts of equal length, ${MAX_ARGS} arguments in all`)
    }
    parts.forEach((p, i) => args.set(p, i * argc))
    ctl[FN] = names.indexOf(name)
    ctl[ARGC] = argc
    ctl[PARTS] = parts.length
    ctl[MEM] = mem
    ctl[STATUS] = 0
    Atomics.store(ctl, FINISHED, 0)
    Atomics.store(ctl, PUBLISHED, prepare === undefined ? parts.length : 0)
    const tag = nextJob()
    posted++
    Atomics.store(ctl, CLAIM, tag << 6)
    Atomics.store(ctl, JOB, tag)
    Atomics.notify(ctl, JOB)
    const t0 = clock?.now() ?? 0
    let error: unknown
    if (prepare !== undefined) {
      try {
        for (let j = 0; j < parts.length; j++) {
          prepare(j)
          Atomics.store(ctl, PUBLISHED, j + 1)
          Atomics.notify(ctl, PUBLISHED)
        }
      } catch (e) {
        // Nothing more runs: the parts left unprepared are claimed here without running, and the worker's are awaited.
        error = e
        for (let v = Atomics.load(ctl, CLAIM); (v & 63) < parts.length; v = Atomics.load(ctl, CLAIM)) {
          if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) === v) Atomics.add(ctl, FINISHED, 1)
        }
        Atomics.store(ctl, PUBLISHED, parts.length)
        Atomics.notify(ctl, PUBLISHED)
      }
    }
    try {
      if (error === undefined) alongside?.()
    } catch (e) {
      error = e
    }
    // This thread claims parts too: when the worker is slow to wake (a loaded machine), this thread runs them all.
    for (;;) {
      const v = Atomics.load(ctl, CLAIM)
      if ((v & 63) >= parts.length) break
      if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) !== v) continue
      try {
        fn(...parts[v & 63]!)
      } catch (e) {
        error ??= e
      }
      Atomics.add(ctl, FINISHED, 1)
    }
    const t1 = clock?.now() ?? 0
    waitFinished(parts.length)
    const t2 = clock?.now() ?? 0
    if (t2 - t1 > Math.max(0.05, t1 - t0)) late.cooldown = late.backoff = Math.min(256, Math.max(4, 2 * late.backoff))
    else late.backoff = 0
    if (error !== undefined) throw error
    if (ctl[STATUS] !== 0) throw new Error(`parallel: the worker's ${name} kernel failed`)
  }
  const parallel = (
    name: KernelName,
    parts: readonly (readonly number[])[],
    force = false,
    alongside?: () => void,
    prepare?: (part: number) => void,
  ): void => run(0, exports, threads() === 2, name, parts, force, alongside, prepare)

  // The worker's instances over memories from newMemory are dropped when their owner here is collected.
  const bound =
    typeof FinalizationRegistry === 'undefined' ? null : new FinalizationRegistry<number>((id) => mail({ drop: id }))
  let memories = 0
  const newMemory = (bytes: number): SharedMemoryKernels | null => {
    if (wanted.count === 1) return null
    const pages = Math.max(2, Math.ceil(bytes / PAGE))
    if (pages > 65536) return null
    let mem: WasmMemory
    let ex: KernelExports
    try {
      mem = new api.Memory({ initial: pages, maximum: pages, shared: true })
      ex = new api.Instance(module, { env: { memory: mem } }).exports as KernelExports
    } catch {
      return null
    }
    const id = ++memories
    const flag = new Int32Array(new SharedArrayBuffer(4))
    let asked = false
    const site: SharedMemoryKernels = {
      exports: ex,
      memory: mem,
      threads: () => {
        if (threads() < 2) return 1
        if (!asked && post !== null) {
          asked = true
          bound?.register(site, id)
          mail({ bind: id, memory: mem, flag })
        }
        return Atomics.load(flag, 0) === 1 ? 2 : 1
      },
      parallel: (name, parts, force = false, alongside, prepare) =>
        run(id, ex, site.threads() === 2, name, parts, force, alongside, prepare),
    }
    return site
  }

  const elementwise = (
    name: KernelName,
    ptrs: readonly number[],
    n: number,
    scalars: readonly number[],
    force = false,
  ): void => {
    if (n < ELEMENTWISE_SPLIT_MIN || threads() < 2) {
      ;(exports[name] as (...xs: number[]) => void)(...ptrs, n, ...scalars)
      return
    }
    const count = Math.min(8, Math.floor(n / (ELEMENTWISE_SPLIT_MIN / 2)))
    const step = Math.ceil(n / count / 4) * 4
    const parts: number[][] = []
    for (let lo = 0; lo < n; lo += step) {
      parts.push([...ptrs.map((p) => (p === 0 ? 0 : p + lo * 4)), Math.min(step, n - lo), ...scalars])
    }
    parallel(name, parts, force)
  }

  const workerState = (): 'one' | 'starting' | 'up' | 'failed' => {
    if (threads() < 2 && !started) return 'one'
    const ready = Atomics.load(ctl, READY)
    return ready === 1 ? 'up' : ready === 0 ? 'starting' : 'failed'
  }

  const pools = freshPools(FRESH_AHEAD, FRESH_SIZES, FRESH_MAX_BYTES)
  let taken = 0
  const collect = (): void => {
    if (take === null) return
    for (let b = take(); b !== undefined; b = take()) {
      if (b instanceof ArrayBuffer) pools.receive(b)
      else pools.lost(b.lost)
    }
  }
  const fresh = (n: number, orElse: (k: number) => Float32Array = (k) => new Float32Array(k)): Float32Array => {
    // Where the worker cannot send buffers back (browsers), it is not started for this.
    if (n * 4 < FRESH_MIN_BYTES || wanted.count === 1 || !wanted.takes || threads() < 2 || take === null) {
      return orElse(n)
    }
    collect()
    const { got, more } = pools.ask(n * 4)
    if (more > 0) mail({ fresh: n * 4, count: more })
    if (got === undefined) return orElse(n)
    taken++
    return new Float32Array(got)
  }
  const freshSettled = (): boolean => {
    collect()
    return pools.pending() === 0
  }

  return {
    exports,
    memory,
    f32: () =>
      view.buffer === memory.buffer && view.length * 4 === memory.buffer.byteLength
        ? view
        : (view = new Float32Array(memory.buffer)),
    ...allocator(memory, PAGE),
    threads,
    splits: () => posted,
    workerState,
    parallel,
    elementwise,
    newMemory,
    fresh,
    freshTaken: () => taken,
    freshSettled,
  }
}

// Kernel cache (allowed module-level state): the one shared-memory pool of this thread, started lazily on first use.
// Its buffers are owned by the call that allocs them and freed by it before returning (matmul), never handed out.
let shared: SharedKernels | null | undefined

/**
 * @internal The kernels over shared memory (see {@link SharedKernels}), or null where SharedArrayBuffer, shared
 * WebAssembly memory or SIMD is unavailable. Created once, lazily.
 */
export function sharedKernels(): SharedKernels | null {
  if (shared !== undefined) return shared
  try {
    shared = create()
  } catch {
    shared = null
  }
  return shared
}

/**
 * @internal An output array that the caller overwrites in full before anyone reads it (see {@link outputF32}): from
 * {@link FRESH_MIN_BYTES} on, one the worker made ahead where it can (see {@link SharedKernels.fresh}), so that the
 * kernel writing it takes no page faults. Also for products run on one thread (`threads: 1`): only the result's
 * pages are written by the worker.
 */
export const outputAheadF32 = (n: number): Float32Array =>
  n * 4 >= FRESH_MIN_BYTES ? (sharedKernels()?.fresh(n, outputF32) ?? outputF32(n)) : outputF32(n)

/** @internal Resolves when every buffer asked of the worker for {@link SharedKernels.fresh} has arrived (tests). */
export async function whenFreshSettled(timeoutMs = 20_000): Promise<boolean> {
  const k = sharedKernels()
  if (k === null) return false
  const t0 = Date.now()
  while (Date.now() - t0 < timeoutMs) {
    if (k.freshSettled()) return true
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return false
}

/**
 * @internal Resolves when the worker is up (true), or false when this environment runs one thread. For tests and
 * benchmarks, which want the two-thread path from their first call; library calls never wait for it.
 */
export async function whenThreadsReady(timeoutMs = 10_000): Promise<boolean> {
  const k = sharedKernels()
  if (k === null) return false
  const t0 = Date.now()
  while (Date.now() - t0 < timeoutMs) {
    const state = k.workerState()
    if (state !== 'starting') return state === 'up'
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return false
}
