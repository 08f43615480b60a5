// The gpu.js backend's interface, kept apart from src/kernels/gpu.ts so that the dispatcher (and with it the main
// entry) can hold installed kernels without importing gpu.js: only descent-ts/gpu loads gpu.js.

/**
 * Why the gpu.js backend could not be created: gpu.js failed to load or start, the mode asked for is asynchronous
 * (`'webgpu'`, `'async'`), or only a software renderer (SwiftShader, llvmpipe) is available and `allowSoftware` was
 * not set.
 * @category kernels
 * @since 0.2.0
 */
export interface BackendUnavailable {
  readonly _tag: 'BackendUnavailable'
  readonly backend: 'gpu'
  readonly reason: string
}

/**
 * The gpu.js backend that actually runs the kernels, read from the compiled kernel (after any fallback gpu.js made):
 * `'webgl2'` / `'webgl'` in browsers, `'headlessgl'` with the `gl` package in Node, `'wasm'` for gpu.js's WebAssembly
 * mode (its `webasm`; the default in Node), `'cpu'` for its transpiled-JS mode.
 * @category kernels
 * @since 0.2.0
 */
export type GpuBackendKind = 'webgl2' | 'webgl' | 'headlessgl' | 'webgpu' | 'wasm' | 'cpu'

/**
 * Element-wise binary operations the gpu.js backend runs as kernels.
 * @category kernels
 * @since 0.1.0
 */
export type GpuBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min'

/**
 * What the gpu.js backend runs on.
 * @category kernels
 * @since 0.2.0
 */
export interface GpuInfo {
  /** The gpu.js backend the kernels run on (see {@link GpuBackendKind}). */
  readonly backend: GpuBackendKind
  /** The WebGL renderer string (`UNMASKED_RENDERER_WEBGL`), or `''` where there is none (wasm, cpu). */
  readonly renderer: string
  /** True when the device is a software renderer (only possible with `allowSoftware: true`). */
  readonly software: boolean
}

/**
 * Kernels run through gpu.js. Every function reads its inputs (never writes them) and returns a fresh
 * Float32Array; all arithmetic is float32 (gpu.js has no float64), so results differ from the float64-accumulating
 * TS reference by float32 rounding. NaN, ±Infinity and −0 follow IEEE 754 in gpu.js's wasm/cpu modes (matmul sums
 * every product from +0, `max`/`min` are `Math.max`/`Math.min`); in a browser's WebGL modes they follow the GPU,
 * which GLSL leaves unspecified for NaN (a deliberate exception: check for NaN before relying on it).
 * @category kernels
 * @since 0.1.0
 */
export interface GpuKernels extends GpuInfo {
  readonly name: 'gpu'
  /** C = A·B, A row-major M×K, B row-major K×N. */
  readonly matmul: (a: Float32Array, b: Float32Array, M: number, K: number, N: number) => Float32Array
  /** out[i] = op(a[i], b[i]). */
  readonly binary: (op: GpuBinaryOp, a: Float32Array, b: Float32Array) => Float32Array
  /** out[i] = s·a[i] + b[i]. */
  readonly axpy: (s: number, a: Float32Array, b: Float32Array) => Float32Array
  /** Releases the compiled kernels. */
  readonly destroy: () => void
}
