import * as E from 'fp-ts/Either'
import * as gpujs from 'gpu.js'
import type { BackendUnavailable, GpuBackendKind, GpuBinaryOp, GpuKernels } from './gpuKernels'

export type { BackendUnavailable, GpuBinaryOp, GpuKernels } from './gpuKernels'

// gpu.js declares `input` only as a type; the value is there at run time.
const input = (gpujs as unknown as { input: (value: Float32Array, size: number[]) => unknown }).input

/**
 * A gpu.js mode to ask for: `'webgl2'`, `'webgl'`, `'headlessgl'`, `'wasm'` (gpu.js's `webasm`), `'cpu'`, or
 * `'webgpu'`, which is refused (gpu.js's WebGPU kernels return Promises; descent's kernels are synchronous).
 * @category kernels
 * @since 0.2.0
 */
export type GpuMode = GpuBackendKind

/**
 * Options of `gpuBackend` and `useGpu` (descent-ts/gpu).
 * @category kernels
 * @since 0.2.0
 */
export interface GpuBackendOptions {
  /** Accept a software renderer (SwiftShader, llvmpipe), 5–8× slower than the CPU path. @defaultValue false */
  readonly allowSoftware?: boolean
  /** Force a gpu.js mode; by default the best GL mode in browsers and `'wasm'` in Node. @defaultValue undefined */
  readonly mode?: GpuMode
}

/** A kernel as gpu.js returns it: callable, with the kernel object gpu.js actually runs (after any fallback). */
export interface KernelLike {
  (...args: unknown[]): unknown
  /** gpu.js's kernel object; its class's static `mode` names the backend (`'gpu'` for every GL class). */
  readonly kernel: object
  destroy(): void
}

/** The part of a gpu.js `GPU` this module uses; tests stand in for a browser's WebGL with it. */
export interface GpuLike {
  /** The WebGL context: gpu.js sets it when the first kernel is created, not before. */
  readonly context?: unknown
  createKernel(source: string, settings: Record<string, unknown>): KernelLike
  destroy(): void
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i

interface WebGLLike {
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL: number } | null
  getParameter(p: number): unknown
}

const isWebGL = (gl: unknown): gl is WebGLLike =>
  typeof gl === 'object' && gl !== null && typeof (gl as WebGLLike).getExtension === 'function'

/** The WebGL renderer string of a context, or '' when there is none (or the browser hides it). */
function rendererOf(gl: unknown): string {
  if (!isWebGL(gl)) return ''
  const info = gl.getExtension('WEBGL_debug_renderer_info')
  return info === null ? '' : String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL))
}

const isBrowser = (): boolean => typeof (globalThis as { document?: unknown }).document !== 'undefined'

/** What gpu.js runs, from the class of the kernel it compiled (its GL classes all say 'gpu'). */
const modeOf = (kernel: KernelLike): unknown => (kernel.kernel.constructor as { mode?: unknown }).mode

function kindOf(kernel: KernelLike, context: unknown): GpuBackendKind | null {
  const mode = modeOf(kernel)
  if (mode === 'webasm') return 'wasm'
  if (mode === 'cpu' || mode === 'webgpu') return mode
  if (mode !== 'gpu' || !isWebGL(context)) return null
  if (!isBrowser()) return 'headlessgl'
  // texStorage2D exists only on WebGL2RenderingContext.
  return typeof (context as { texStorage2D?: unknown }).texStorage2D === 'function' ? 'webgl2' : 'webgl'
}

const isThenable = (x: unknown): boolean =>
  typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function'

/**
 * A kernel's result as one flat Float32Array of `n` values: gpu.js returns a 1-D output as a Float32Array and a 2-D
 * one as an array of row arrays, including a 1-row output such as a vector × matrix product.
 */
function flatten(result: unknown, n: number): Float32Array {
  if (isThenable(result)) {
    throw new Error('gpu.js returned a Promise (an asynchronous mode); descent needs its synchronous modes')
  }
  const rows = result as ArrayLike<ArrayLike<number> | number>
  const out = new Float32Array(n)
  if (rows.length > 0 && typeof rows[0] !== 'number') {
    const parts = Array.from(rows as ArrayLike<ArrayLike<number>>)
    const total = parts.reduce((s, row) => s + row.length, 0)
    if (total !== n) throw new Error(`gpu.js returned ${total} values where ${n} were expected`)
    let off = 0
    for (const row of parts) {
      out.set(row, off)
      off += row.length
    }
  } else {
    if (rows.length !== n) throw new Error(`gpu.js returned ${rows.length} values where ${n} were expected`)
    out.set(rows as ArrayLike<number>)
  }
  return out
}

const fail = (reason: string): E.Either<BackendUnavailable, never> =>
  E.left({ _tag: 'BackendUnavailable', backend: 'gpu', reason })

const GPU_JS_MODE: Record<GpuMode, string> = {
  webgl2: 'webgl2',
  webgl: 'webgl',
  headlessgl: 'headlessgl',
  wasm: 'webasm',
  cpu: 'cpu',
  webgpu: 'webgpu',
}

/**
 * Creates the gpu.js kernels (without installing them in the dispatcher; `useGpu` in descent-ts/gpu does both):
 * gpu.js's `wasm` mode in Node (no GL there), its best GL mode in browsers. A probe kernel runs first, so that what
 * is reported is what gpu.js actually runs: the backend of the compiled kernel (after any fallback to `cpu`) and the
 * renderer of the WebGL context gpu.js created for it. A software renderer (headless Chromium's SwiftShader,
 * llvmpipe) is refused (`Left`) unless `allowSoftware` is set: its GL modes are 5–8× slower than plain JS. WebGPU
 * is refused too: gpu.js's WebGPU kernels return Promises, and descent's kernels run synchronously (inside `grad`).
 * gpu.js types never leave this module.
 * @param options - `allowSoftware` (default false), `mode` (see {@link GpuMode}).
 * @returns `Right` with the kernels (the caller owns them: `destroy()` releases them), or `Left` with the reason.
 * @example
 * import { gpuBackend } from 'descent-ts/gpu'
 * import * as E from 'fp-ts/Either'
 * const r = gpuBackend()
 * assert.ok(E.isRight(r))
 * const g = r.right
 * // [1 2 3] · [[1 2] [3 4] [5 6]] = [22 28]
 * const c = g.matmul(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 3, 4, 5, 6]), 1, 3, 2)
 * assert.deepStrictEqual([...c], [22, 28])
 * assert.deepStrictEqual([...g.axpy(2, new Float32Array([1, 2]), new Float32Array([10, 20]))], [12, 24])
 * g.destroy()
 * @see useGpu
 * @category kernels
 * @since 0.1.0
 */
export function gpuBackend(options: GpuBackendOptions = {}): E.Either<BackendUnavailable, GpuKernels> {
  const mode = options.mode
  if (mode === 'webgpu')
    return fail(
      "mode 'webgpu' is asynchronous in gpu.js (every kernel call returns a Promise) and descent's kernels are " +
        "synchronous (they run inside grad and the optimizer step): use 'webgl2', the default in browsers",
    )
  if (mode !== undefined && !Object.hasOwn(GPU_JS_MODE, mode))
    return fail(`unknown mode ${JSON.stringify(mode)}: expected one of ${Object.keys(GPU_JS_MODE).join(', ')}`)
  let gpu: GpuLike
  try {
    const gpuJsMode = mode !== undefined ? GPU_JS_MODE[mode] : isBrowser() ? undefined : 'webasm'
    gpu = new gpujs.GPU(gpuJsMode === undefined ? {} : { mode: gpuJsMode as 'webasm' }) as unknown as GpuLike
  } catch (e) {
    return fail(`gpu.js could not start: ${(e as Error).message}`)
  }
  return gpuBackendOn(gpu, options)
}

/** {@link gpuBackend} on a given gpu.js instance (destroyed when the result is `Left`). */
export function gpuBackendOn(gpu: GpuLike, options: GpuBackendOptions = {}): E.Either<BackendUnavailable, GpuKernels> {
  const refuse = (reason: string) => {
    gpu.destroy()
    return fail(reason)
  }
  let probe: KernelLike
  try {
    // The context exists only once gpu.js has created and run a kernel: read the renderer after this, not before.
    probe = gpu.createKernel('function (a) { return a[this.thread.x] + 1 }', { output: [4] })
    const got = probe(new Float32Array([1, 2, 3, 4]))
    if (isThenable(got)) return refuse('gpu.js runs this mode asynchronously; descent needs a synchronous mode')
    const values = flatten(got, 4)
    if (values.join() !== '2,3,4,5') return refuse(`a probe kernel returned ${values.join()} instead of 2,3,4,5`)
  } catch (e) {
    return refuse(`gpu.js could not run a kernel: ${(e as Error).message}`)
  }
  const context = gpu.context ?? (probe as unknown as { context?: unknown }).context
  const backend = kindOf(probe, context)
  probe.destroy()
  if (backend === null) return refuse(`gpu.js ran an unknown backend (${String(modeOf(probe))})`)
  if (backend === 'webgpu')
    return refuse('gpu.js chose WebGPU, which is asynchronous; descent needs a synchronous mode')
  const renderer = rendererOf(context)
  const software = SOFTWARE.test(renderer)
  if (software && options.allowSoftware !== true) {
    return refuse(
      `only a software renderer is available (${renderer}); it is slower than the CPU path ` +
        '(pass allowSoftware: true to use it anyway)',
    )
  }
  return E.right(makeKernels(gpu, { backend, renderer, software }))
}

function makeKernels(gpu: GpuLike, info: { backend: GpuBackendKind; renderer: string; software: boolean }): GpuKernels {
  const matmuls = new Map<string, KernelLike>()
  const binaries = new Map<string, KernelLike>()
  const axpys = new Map<number, KernelLike>()

  const cached = <K>(cache: Map<K, KernelLike>, key: K, make: () => KernelLike): KernelLike => {
    let k = cache.get(key)
    if (k === undefined) cache.set(key, (k = make()))
    return k
  }

  const matmulKernel = (M: number, K: number, N: number): KernelLike =>
    cached(matmuls, `${M}x${K}x${N}`, () =>
      // The loop bound is a constant: gpu.js caps loops bounded by arguments at loopMaxIterations.
      gpu.createKernel(
        'function (a, b) { let s = 0; for (let i = 0; i < this.constants.K; i++) { s += a[this.thread.y][i] * b[i][this.thread.x]; } return s; }',
        { output: [N, M], constants: { K }, loopMaxIterations: K + 1, tactic: 'precision' },
      ),
    )

  const BODIES: Record<GpuBinaryOp, string> = {
    add: 'return a[this.thread.x] + b[this.thread.x]',
    sub: 'return a[this.thread.x] - b[this.thread.x]',
    mul: 'return a[this.thread.x] * b[this.thread.x]',
    div: 'return a[this.thread.x] / b[this.thread.x]',
    max: 'return Math.max(a[this.thread.x], b[this.thread.x])',
    min: 'return Math.min(a[this.thread.x], b[this.thread.x])',
  }

  return {
    name: 'gpu',
    ...info,
    matmul: (a, b, M, K, N) => {
      if (a.length !== M * K || b.length !== K * N)
        throw new RangeError(`gpu matmul: sizes do not match ${M}×${K} · ${K}×${N}`)
      if (M === 0 || N === 0 || K === 0) return new Float32Array(M * N)
      return flatten(matmulKernel(M, K, N)(input(a, [K, M]), input(b, [N, K])), M * N)
    },
    binary: (op, a, b) => {
      if (a.length !== b.length) throw new RangeError(`gpu ${op}: lengths ${a.length} and ${b.length} differ`)
      if (a.length === 0) return new Float32Array(0)
      // gpu.js parses the kernel's source text; a string body keeps it independent of how this file is compiled.
      const k = cached(binaries, `${op}:${a.length}`, () =>
        gpu.createKernel(`function (a, b) { ${BODIES[op]} }`, { output: [a.length] }),
      )
      return flatten(k(a, b), a.length)
    },
    axpy: (s, a, b) => {
      if (a.length !== b.length) throw new RangeError(`gpu axpy: lengths ${a.length} and ${b.length} differ`)
      if (a.length === 0) return new Float32Array(0)
      const k = cached(axpys, a.length, () =>
        gpu.createKernel('function (s, a, b) { return s * a[this.thread.x] + b[this.thread.x] }', {
          output: [a.length],
        }),
      )
      return flatten(k(s, a, b), a.length)
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
