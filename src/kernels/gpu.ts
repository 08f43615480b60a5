import * as E from 'fp-ts/Either'
import * as gpujs from 'gpu.js'
import { GPU, type IKernelRunShortcut } from 'gpu.js'

// gpu.js declares `input` only as a type; the value is there at run time.
const input = (gpujs as unknown as { input: (value: Float32Array, size: number[]) => unknown }).input

/**
 * Why the gpu.js backend could not be created: gpu.js failed to load or start, or only a software renderer
 * (SwiftShader, llvmpipe, a WebGPU fallback adapter) is available and `allowSoftware` was not set.
 */
export interface BackendUnavailable {
  readonly _tag: 'BackendUnavailable'
  readonly backend: 'gpu'
  readonly reason: string
}

/** Element-wise binary operations the gpu.js backend runs as kernels. */
export type GpuBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min'

/**
 * Kernels run through gpu.js. Every function reads its inputs (never writes them) and returns a fresh
 * Float32Array; all arithmetic is float32 (gpu.js has no float64), so results differ from the float64-accumulating
 * TS reference by float32 rounding. NaN, ±Infinity and −0 follow IEEE 754 in Node's webasm/cpu modes (matmul sums
 * every product from +0, `max`/`min` are `Math.max`/`Math.min`); in a browser's WebGL/WebGPU modes they follow the
 * GPU, which GLSL and WGSL leave unspecified for NaN (a deliberate exception: check for NaN before relying on it).
 */
export interface GpuKernels {
  readonly name: 'gpu'
  /** The gpu.js mode in use: `'webasm'` in Node, `'webgl2'` / `'webgl'` / `'webgpu'` in browsers. */
  readonly mode: string
  /** True when the device is a software renderer (only possible with `allowSoftware: true`). */
  readonly software: boolean
  /** C = A·B, A row-major M×K, B row-major K×N. */
  readonly matmul: (a: Float32Array, b: Float32Array, M: number, K: number, N: number) => Float32Array
  /** out[i] = op(a[i], b[i]). */
  readonly binary: (op: GpuBinaryOp, a: Float32Array, b: Float32Array) => Float32Array
  /** out[i] = s·a[i] + b[i]. */
  readonly axpy: (s: number, a: Float32Array, b: Float32Array) => Float32Array
  /** Releases the compiled kernels. */
  readonly destroy: () => void
}

/** Options of {@link gpuBackend}. */
export interface GpuBackendOptions {
  /** Accept a software renderer (SwiftShader, llvmpipe, a fallback adapter). @defaultValue false */
  readonly allowSoftware?: boolean
  /** Force a gpu.js mode (e.g. `'webasm'`, `'webgl2'`, `'cpu'`); by default the best non-software mode. */
  readonly mode?: string
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i

interface WebGLLike {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null
  getParameter(p: number): unknown
}

/** The WebGL renderer string of a gpu.js instance in a browser, or '' when there is none. */
function rendererOf(gpu: GPU): string {
  const gl = (gpu as unknown as { context?: WebGLLike | null }).context
  if (gl === undefined || gl === null || typeof gl.getExtension !== 'function') return ''
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  return info === null ? '' : String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL))
}

const isBrowser = (): boolean => typeof (globalThis as { document?: unknown }).document !== 'undefined'

/**
 * Creates the gpu.js backend: `webasm` in Node (gpu.js's SIMD WebAssembly mode; no GL there), WebGL2/WebGPU in
 * browsers. In a browser whose GPU is a software renderer (headless Chromium's SwiftShader, llvmpipe) the GL modes
 * are 5–8× slower than plain JS, so they are refused (`Left`) unless `allowSoftware` is set; the caller then keeps
 * the CPU path. gpu.js types never leave this module.
 */
export function gpuBackend(options: GpuBackendOptions = {}): E.Either<BackendUnavailable, GpuKernels> {
  const fail = (reason: string) => E.left<BackendUnavailable>({ _tag: 'BackendUnavailable', backend: 'gpu', reason })
  let gpu: GPU
  try {
    const mode = options.mode ?? (isBrowser() ? undefined : 'webasm')
    gpu = mode === undefined ? new GPU() : new GPU({ mode: mode as 'webasm' })
  } catch (e) {
    return fail(`gpu.js could not start: ${(e as Error).message}`)
  }
  const mode = String((gpu as unknown as { mode?: string }).mode ?? 'unknown')
  const renderer = rendererOf(gpu)
  const software = SOFTWARE.test(renderer)
  if (software && options.allowSoftware !== true) {
    gpu.destroy()
    return fail(`only a software renderer is available (${renderer}); it is slower than the CPU path`)
  }
  try {
    return E.right(makeKernels(gpu, mode, software))
  } catch (e) {
    gpu.destroy()
    return fail(`gpu.js kernels failed to compile: ${(e as Error).message}`)
  }
}

type Kernel = IKernelRunShortcut

function makeKernels(gpu: GPU, mode: string, software: boolean): GpuKernels {
  const matmuls = new Map<string, Kernel>()
  const binaries = new Map<string, Kernel>()
  const axpys = new Map<number, Kernel>()

  const matmulKernel = (M: number, K: number, N: number): Kernel => {
    const key = `${M}x${K}x${N}`
    let k = matmuls.get(key)
    if (k === undefined) {
      // The loop bound is a constant: gpu.js caps loops bounded by arguments at loopMaxIterations (gotcha #1).
      k = gpu.createKernel(
        'function (a, b) { let s = 0; for (let i = 0; i < this.constants.K; i++) { s += a[this.thread.y][i] * b[i][this.thread.x]; } return s; }',
        // loopMaxIterations is a gpu.js setting missing from its typings.
        { output: [N, M], constants: { K }, loopMaxIterations: K + 1, tactic: 'precision' } as Parameters<
          GPU['createKernel']
        >[1],
      )
      matmuls.set(key, k)
    }
    return k
  }

  const flat2d = (rows: unknown, M: number, N: number): Float32Array => {
    const out = new Float32Array(M * N)
    const rs = rows as ArrayLike<number>[]
    for (let i = 0; i < M; i++) out.set(rs[i]!, i * N)
    return out
  }

  const BODIES: Record<GpuBinaryOp, string> = {
    add: 'return a[this.thread.x] + b[this.thread.x]',
    sub: 'return a[this.thread.x] - b[this.thread.x]',
    mul: 'return a[this.thread.x] * b[this.thread.x]',
    div: 'return a[this.thread.x] / b[this.thread.x]',
    max: 'return Math.max(a[this.thread.x], b[this.thread.x])',
    min: 'return Math.min(a[this.thread.x], b[this.thread.x])',
  }

  const binaryKernel = (op: GpuBinaryOp, n: number): Kernel => {
    const key = `${op}:${n}`
    let k = binaries.get(key)
    if (k === undefined) {
      // gpu.js parses the kernel's source text; a string body keeps it independent of how this file is compiled.
      k = gpu.createKernel(`function (a, b) { ${BODIES[op]} }`, { output: [n] })
      binaries.set(key, k)
    }
    return k
  }

  return {
    name: 'gpu',
    mode,
    software,
    matmul: (a, b, M, K, N) => {
      if (a.length !== M * K || b.length !== K * N)
        throw new RangeError(`gpu matmul: sizes do not match ${M}×${K} · ${K}×${N}`)
      if (M === 0 || N === 0) return new Float32Array(M * N)
      if (K === 0) return new Float32Array(M * N)
      const rows = matmulKernel(M, K, N)(input(a, [K, M]) as number[][], input(b, [N, K]) as number[][])
      return M === 1 ? Float32Array.from(rows as ArrayLike<number>) : flat2d(rows, M, N)
    },
    binary: (op, a, b) => {
      if (a.length !== b.length) throw new RangeError(`gpu ${op}: lengths ${a.length} and ${b.length} differ`)
      if (a.length === 0) return new Float32Array(0)
      return Float32Array.from(binaryKernel(op, a.length)(a, b) as ArrayLike<number>)
    },
    axpy: (s, a, b) => {
      if (a.length !== b.length) throw new RangeError(`gpu axpy: lengths ${a.length} and ${b.length} differ`)
      if (a.length === 0) return new Float32Array(0)
      let k = axpys.get(a.length)
      if (k === undefined) {
        k = gpu.createKernel('function (s, a, b) { return s * a[this.thread.x] + b[this.thread.x] }', {
          output: [a.length],
        })
        axpys.set(a.length, k)
      }
      return Float32Array.from(k(s, a, b) as ArrayLike<number>)
    },
    destroy: () => {
      for (const k of [...matmuls.values(), ...binaries.values(), ...axpys.values()]) k.destroy()
      matmuls.clear()
      binaries.clear()
      axpys.clear()
      gpu.destroy()
    },
  }
}
