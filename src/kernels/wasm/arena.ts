import { BASE, type KernelExports, PAGE, newKernelInstance } from './index'

/**
 * @internal Float32 buffers that live in WebAssembly memory, where the kernels read and write them without copies: a
 * kernel instance of its own whose memory is grown once, to its final size, before any view is taken. Growing a
 * (non-shared) memory detaches every view of it, so an arena never grows again; a larger need gets a new arena.
 */
export interface WasmArena {
  readonly kernels: KernelExports
  /** The buffer every view of this arena shares (to recognise them). */
  readonly buffer: ArrayBuffer
  /** Views of the regions asked for, in order, each starting on a 16-byte boundary. */
  readonly regions: readonly Float32Array[]
}

const align4 = (floats: number): number => Math.ceil(floats / 4) * 4

/**
 * @internal A new arena holding one zeroed region per entry of `sizes` (floats), or null where WebAssembly SIMD is
 * unavailable or the engine cannot give the memory (wasm32 addresses 4 GiB at most): the caller keeps its plain
 * arrays then.
 */
export function newArena(sizes: readonly number[]): WasmArena | null {
  const floats = sizes.reduce((a, n) => a + align4(n), 0)
  const bytes = BASE + floats * 4
  if (bytes > 2 ** 32) return null
  let kernels: KernelExports | null
  try {
    kernels = newKernelInstance()
    if (kernels === null) return null
    const have = kernels.memory.buffer.byteLength
    if (bytes > have) kernels.memory.grow(Math.ceil((bytes - have) / PAGE))
  } catch {
    return null
  }
  const buffer = kernels.memory.buffer
  const regions: Float32Array[] = []
  let at = BASE
  for (const n of sizes) {
    regions.push(new Float32Array(buffer, at, n))
    at += align4(n) * 4
  }
  return { kernels, buffer, regions }
}
