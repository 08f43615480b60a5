import { BASE, type KernelExports, PAGE, newKernelInstance } from './index'
import { type SharedMemoryKernels, sharedKernels } from './shared'

/**
 * @internal Float32 buffers that live in WebAssembly memory, where the kernels read and write them without copies: a
 * kernel instance of its own whose memory is sized once, before any view is taken. Growing a (non-shared) memory
 * detaches every view of it, so an arena never grows; a larger need gets a new arena. An arena asked for `split` is
 * a shared memory of its own (where SharedArrayBuffer exists and two threads are wanted) that the worker thread
 * binds on demand, so that both threads can run a kernel over its buffers (see wasm/shared.ts).
 */
export interface WasmArena {
  readonly kernels: KernelExports
  /** The buffer every view of this arena shares (to recognise them). */
  readonly buffer: ArrayBufferLike
  /** Views of the regions asked for, in order, each starting on a 16-byte boundary. */
  readonly regions: readonly Float32Array[]
  /** Both threads over this arena's memory (a shared arena), else null (this thread only). */
  readonly split: SharedMemoryKernels | null
}

const align4 = (floats: number): number => Math.ceil(floats / 4) * 4

/**
 * @internal A new arena holding one zeroed region per entry of `sizes` (floats), or null where WebAssembly SIMD is
 * unavailable or the engine cannot give the memory (wasm32 addresses 4 GiB at most): the caller keeps its plain
 * arrays then. With `splitOnly` regions (the worker's), a shared memory where the environment has two threads, those
 * regions appended after `sizes`' (else an ordinary memory without them: one thread never reads them).
 */
export function newArena(sizes: readonly number[], splitOnly: readonly number[] = []): WasmArena | null {
  const bytesOf = (ns: readonly number[]) => BASE + ns.reduce((a, n) => a + align4(n), 0) * 4
  const sharedBytes = bytesOf([...sizes, ...splitOnly])
  const site = splitOnly.length > 0 && sharedBytes <= 2 ** 32 ? (sharedKernels()?.newMemory(sharedBytes) ?? null) : null
  const layout = site !== null ? [...sizes, ...splitOnly] : sizes
  const bytes = bytesOf(layout)
  if (bytes > 2 ** 32) return null
  let kernels: KernelExports | null
  if (site !== null) kernels = site.exports
  else {
    try {
      kernels = newKernelInstance()
      if (kernels === null) return null
      const have = kernels.memory.buffer.byteLength
      if (bytes > have) kernels.memory.grow(Math.ceil((bytes - have) / PAGE))
    } catch {
      return null
    }
  }
  const buffer = site?.memory.buffer ?? kernels.memory.buffer
  const regions: Float32Array[] = []
  let at = BASE
  for (const n of layout) {
    regions.push(new Float32Array(buffer, at, n))
    at += align4(n) * 4
  }
  return { kernels, buffer, regions, split: site }
}
