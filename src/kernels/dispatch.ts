import type { GpuKernels } from './gpuKernels'
import { matmulWasm, wasmAvailable } from './wasm/index'

/**
 * Which backend the dispatched kernels (matmul, and the matmuls inside autodiff) use.
 *
 * `'js'` = the CPU path: plain TypeScript, or the SIMD WebAssembly kernels from the measured sizes up; `'gpu'` =
 * the gpu.js kernels installed by `useGpu()` from `descent-ts/gpu` (WebGL2 in browsers, gpu.js's wasm mode in Node);
 * `'auto'` (the default) = per op and size from the measured thresholds: the installed gpu.js kernels only on a
 * hardware GPU and from 256³ multiply-adds, never on a software renderer. Every choice gives the same results within
 * float32 tolerance. The main entry never loads gpu.js: only `descent-ts/gpu` does.
 * @category kernels
 * @since 0.1.0
 */
export type BackendChoice = 'js' | 'gpu' | 'auto'

/** The kernel that runs one call; a per-call override. */
export type KernelChoice = 'ts' | 'wasm' | 'gpu'

/**
 * Measured crossover points (bench/kernels.ts on the 2-vCPU bench machine, Node 20; see docs/performance.md).
 * - matmul: the SIMD kernel beats the TS loop from about 16×16×16 multiply-adds (the copy in/out is the only overhead).
 * - matmul on gpu.js: in Node its `webasm` mode (112–150 ms at 512³) never beats the SIMD kernel (8–16 ms), so
 *   'auto' sends matmul to gpu.js only on a hardware GPU (WebGL2/WebGPU, not a software renderer) from 256³ up.
 * - fused AdamW: the SIMD kernel from 128 elements (ADAMW_WASM_MIN in fused/adamwFused.ts).
 */
export const THRESHOLDS = {
  matmulWasmMinMacs: 4096,
  matmulGpuMinMacs: 256 * 256 * 256,
} as const

// The backend state, the only module-level state of the kernels: the choice, and the gpu.js kernels that
// descent-ts/gpu's useGpu() installed (null until then: the main entry never loads gpu.js).
let current: BackendChoice = 'auto'
let gpuCache: GpuKernels | null = null

/**
 * Sets the backend for every dispatched kernel, process-wide (`'auto'` by default); see {@link BackendChoice}.
 *
 * For one computation only, use {@link withBackend}. `'gpu'` needs the gpu.js kernels installed first:
 * `import { useGpu } from 'descent-ts/gpu'` and call `useGpu()` (gpu.js is an optional peer dependency).
 * @param choice - `'js'`, `'gpu'` or `'auto'`.
 * @returns Nothing; {@link getBackend} reads the setting back.
 * @throws RangeError for any other value; an Error for `'gpu'` before `useGpu()` installed gpu.js.
 * @example
 * import { getBackend, setBackend } from 'descent-ts'
 * setBackend('js')
 * assert.strictEqual(getBackend(), 'js')
 * setBackend('auto')
 * assert.throws(() => setBackend('cuda' as 'js'), RangeError)
 * // 'gpu' needs `useGpu()` from 'descent-ts/gpu' first:
 * assert.throws(() => setBackend('gpu'), /import \{ useGpu \} from 'descent-ts\/gpu'/)
 * @see getBackend, withBackend
 * @category kernels
 * @since 0.1.0
 */
export function setBackend(choice: BackendChoice): void {
  if (choice !== 'js' && choice !== 'gpu' && choice !== 'auto') {
    throw new RangeError(`setBackend: expected 'js', 'gpu' or 'auto'; got ${JSON.stringify(choice)}`)
  }
  if (choice === 'gpu' && gpuCache === null) {
    // A plain Error: the kernels layer sits below core/errors.ts.
    throw new Error(
      "setBackend('gpu'): the gpu.js kernels are not installed. Fix: `import { useGpu } from 'descent-ts/gpu'` and " +
        'call useGpu() first (install gpu.js, an optional peer dependency: npm i gpu.js); check what it returns, ' +
        'a Left when no usable GPU is there.',
    )
  }
  current = choice
}

/**
 * The backend the dispatched kernels use now: the one set by {@link setBackend}, or by an enclosing
 * {@link withBackend}.
 * @returns `'js'`, `'gpu'` or `'auto'`.
 * @example
 * import { getBackend, withBackend } from 'descent-ts'
 * assert.strictEqual(getBackend(), 'auto')
 * assert.strictEqual(withBackend('js', () => getBackend()), 'js')
 * @see setBackend, withBackend
 * @category kernels
 * @since 0.1.0
 */
export const getBackend = (): BackendChoice => current

/**
 * Runs `fn` with the dispatched kernels on `choice`, then restores the previous backend (also when `fn` throws): a
 * per-call override of {@link setBackend} for one op, one gradient or one training step.
 *
 * Synchronous: the override covers the kernels `fn` runs before it returns (the library's ops all are).
 * @param choice - `'js'`, `'gpu'` or `'auto'`.
 * @param fn - The computation.
 * @returns What `fn` returns.
 * @throws RangeError for an invalid `choice`, an Error for `'gpu'` without `useGpu()` (before `fn` runs).
 * @example
 * import { matmul, tensor, withBackend } from 'descent-ts'
 * const a = tensor([[1, 2], [3, 4]])
 * const onCpu = withBackend('js', () => matmul(a, a))
 * assert.deepStrictEqual(onCpu.toArray(), [[7, 10], [15, 22]])
 * @see setBackend, getBackend
 * @category kernels
 * @since 0.1.0
 */
export function withBackend<R>(choice: BackendChoice, fn: () => R): R {
  const previous = current
  setBackend(choice)
  try {
    return fn()
  } finally {
    current = previous
  }
}

/** The gpu.js kernels installed by descent-ts/gpu's `useGpu()`; null before (or after `releaseGpu()`). */
export const gpuKernels = (): GpuKernels | null => gpuCache

/**
 * Installs gpu.js kernels for the dispatcher (descent-ts/gpu's `useGpu`/`releaseGpu`), or removes them (`null`);
 * returns the kernels installed before, which the caller releases. With none installed, a `'gpu'` choice in force
 * falls back to the CPU path.
 */
export function installGpuKernels(kernels: GpuKernels | null): GpuKernels | null {
  const previous = gpuCache
  gpuCache = kernels
  return previous
}

const hardwareGpu = (g: GpuKernels | null): boolean =>
  g !== null && !g.software && (g.backend === 'webgl2' || g.backend === 'webgl' || g.backend === 'headlessgl')

/** The kernel {@link matmul} runs for an M×K·K×N product under the current backend (or `override`). */
export function chooseMatmulKernel(M: number, K: number, N: number, override?: KernelChoice): KernelChoice {
  if (override !== undefined) return override
  const macs = M * K * N
  const cpu: KernelChoice = macs >= THRESHOLDS.matmulWasmMinMacs && wasmAvailable() ? 'wasm' : 'ts'
  if (current === 'js') return cpu
  if (current === 'gpu') return gpuKernels() !== null ? 'gpu' : cpu
  return macs >= THRESHOLDS.matmulGpuMinMacs && hardwareGpu(gpuKernels()) ? 'gpu' : cpu
}

/** Options of {@link matmul}. */
export interface MatmulCallOptions {
  readonly transA?: boolean
  readonly transB?: boolean
  /** Epilogue: add `bias` (N values) to every row of the product, in float32. */
  readonly bias?: Float32Array | undefined
  /** Epilogue: then ReLU, `x ≤ 0 ? +0 : x` (NaN stays NaN). */
  readonly relu?: boolean | undefined
  /** Force a kernel for this call. */
  readonly kernel?: KernelChoice
}

/**
 * The matmul epilogue in place on a row-major M×N float32 product: c ⊕ bias[j] (float32), then ReLU as
 * `where(c ≤ 0, 0, c)`. The SIMD kernel fuses the same operations (wasm/assembly/kernels.ts).
 */
export function matmulEpilogue(c: Float32Array, N: number, bias?: Float32Array, relu?: boolean): Float32Array {
  if (bias === undefined && relu !== true) return c
  for (let p = 0; p < c.length; p += N) {
    for (let j = 0; j < N; j++) {
      const x = bias === undefined ? c[p + j]! : c[p + j]! + bias[j]!
      c[p + j] = relu === true && x <= 0 ? 0 : x
    }
  }
  return c
}

/** Transposes a row-major r×c matrix (fresh array). */
function transpose(a: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c)
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!
  return out
}

/**
 * `out[k] = 1` when row k of the K×N matrix at `b[off …]` holds only finite values. A zero in A may skip row k only
 * then: 0·x is ±0 for finite x, and adding ±0 to an accumulator that starts at +0 never changes it, whereas 0·NaN and
 * 0·±Infinity are NaN and must reach the sum. One pass over B, 1/M of the product's work.
 */
export function finiteRows(b: ArrayLike<number>, off: number, K: number, N: number): Uint8Array {
  const out = new Uint8Array(K)
  for (let k = 0, p = off; k < K; k++) {
    let z = 0
    for (let j = 0; j < N; j++, p++) z += 0 * b[p]!
    out[k] = z === 0 ? 1 : 0
  }
  return out
}

/**
 * The plain-TS reference: float64 accumulation from +0 in increasing k, float32 result, so every element is the
 * naive float64 dot product rounded once, with IEEE 754 semantics: a NaN or ±Infinity anywhere in a row of op(A) or
 * a column of op(B) reaches the result (0·NaN = NaN), and a sum of only ±0 terms is +0 (as in XLA).
 */
export function matmulTs(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  options: MatmulCallOptions = {},
): Float32Array {
  const A = options.transA === true ? transpose(a, K, M) : a
  const B = options.transB === true ? transpose(b, N, K) : b
  const out = new Float32Array(M * N)
  const row = new Float64Array(N)
  // Skipping a zero of A is exact only when row k of B is finite (0·NaN and 0·∞ are NaN); checked on the first zero.
  let finite: Uint8Array | null = null
  for (let i = 0; i < M; i++) {
    row.fill(0)
    for (let k = 0; k < K; k++) {
      const x = A[i * K + k]!
      if (x === 0 && (finite ??= finiteRows(B, 0, K, N))[k] === 1) continue
      const off = k * N
      for (let j = 0; j < N; j++) row[j]! += x * B[off + j]!
    }
    out.set(row, i * N)
  }
  return out
}

/**
 * C = op(A)·op(B) over row-major float32 storage, op(A) M×K and op(B) K×N (`transA`: `a` holds the K×M matrix;
 * `transB`: `b` holds N×K); with `bias` (N values) and `relu`, C = relu(op(A)·op(B) ⊕ bias) (see
 * {@link matmulEpilogue}; fused in the SIMD kernel, bit-identical to the separate ops on every kernel). Dispatched to the TS loop, the SIMD WebAssembly kernel or gpu.js by
 * {@link chooseMatmulKernel}. Inputs are never written; the result is fresh.
 */
export function matmul(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  options: MatmulCallOptions = {},
): Float32Array {
  if (a.length !== M * K || b.length !== K * N) {
    throw new RangeError(`matmul: sizes ${a.length} and ${b.length} do not match ${M}×${K} · ${K}×${N}`)
  }
  if (options.bias !== undefined && options.bias.length !== N) {
    throw new RangeError(`matmul: bias has ${options.bias.length} values, expected N = ${N}`)
  }
  const kernel = chooseMatmulKernel(M, K, N, options.kernel)
  if (kernel === 'wasm' && wasmAvailable()) return matmulWasm(a, b, M, K, N, options)
  if (kernel === 'gpu') {
    const g = gpuKernels()
    if (g !== null) {
      const A = options.transA === true ? transpose(a, K, M) : a
      const B = options.transB === true ? transpose(b, N, K) : b
      return matmulEpilogue(g.matmul(A, B, M, K, N), N, options.bias, options.relu)
    }
  }
  return matmulEpilogue(matmulTs(a, b, M, K, N, options), N, options.bias, options.relu)
}
