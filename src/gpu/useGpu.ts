import * as E from 'fp-ts/Either'
import { installGpuKernels, gpuKernels } from '../kernels/dispatch'
import { type GpuBackendOptions, gpuBackend } from '../kernels/gpu'
import type { BackendUnavailable, GpuInfo } from '../kernels/gpuKernels'

const infoOf = (g: GpuInfo): GpuInfo => ({ backend: g.backend, renderer: g.renderer, software: g.software })

/**
 * Creates the gpu.js kernels and installs them in the dispatcher of the main entry, replacing (and releasing) any
 * installed before. Then `setBackend('gpu')` sends every matmul (also those inside `grad`) to gpu.js, and `'auto'`,
 * the default, sends those of at least 256³ multiply-adds there when the backend is a hardware GPU (WebGL). In Node,
 * gpu.js runs its WebAssembly mode (`backend: 'wasm'`), which 'auto' never picks (descent's own SIMD kernel is
 * faster).
 *
 * A probe kernel runs first, so the result reports what gpu.js really runs, and a software renderer (headless
 * Chromium's SwiftShader, llvmpipe: 5–8× slower than the CPU path) is detected on the context gpu.js created.
 * @param options - `allowSoftware` (default false) accepts a software renderer; `mode` forces a gpu.js mode
 *   (`'webgl2'`, `'webgl'`, `'wasm'`, `'cpu'`, ...; `'webgpu'` is refused: gpu.js runs it asynchronously).
 * @returns `Right` with what runs ({@link GpuInfo}); `Left` with the reason (nothing installed, the previous
 *   kernels, if any, stay) when gpu.js cannot start, the mode is asynchronous, or only a software renderer is there.
 * @example
 * import { matmul, setBackend, tensor } from 'descent-ts'
 * import { releaseGpu, useGpu } from 'descent-ts/gpu'
 * import * as E from 'fp-ts/Either'
 * const gpu = useGpu() // in Node: gpu.js's WebAssembly mode
 * assert.ok(E.isRight(gpu) && gpu.right.backend === 'wasm' && !gpu.right.software)
 * setBackend('gpu')
 * const a = tensor([[1, 2, 3]]) // a 1×3 row vector times a 3×2 matrix
 * assert.deepStrictEqual(matmul(a, tensor([[1, 2], [3, 4], [5, 6]])).toArray(), [[22, 28]])
 * assert.ok(E.isLeft(useGpu({ mode: 'webgpu' }))) // asynchronous in gpu.js: refused
 * setBackend('auto')
 * releaseGpu()
 * @see releaseGpu, gpuInfo
 * @category kernels
 * @since 0.2.0
 */
export function useGpu(options: GpuBackendOptions = {}): E.Either<BackendUnavailable, GpuInfo> {
  const created = gpuBackend(options)
  if (E.isLeft(created)) return created
  installGpuKernels(created.right)?.destroy()
  return E.right(infoOf(created.right))
}

/**
 * Removes the gpu.js kernels {@link useGpu} installed and releases them (their WebGL context and compiled kernels).
 * A `'gpu'` backend choice still in force then runs on the CPU path; `setBackend('gpu')` asks for `useGpu()` again.
 * @returns True when kernels were installed.
 * @example
 * import { releaseGpu, gpuInfo, useGpu } from 'descent-ts/gpu'
 * useGpu()
 * assert.strictEqual(releaseGpu(), true)
 * assert.strictEqual(gpuInfo(), null)
 * assert.strictEqual(releaseGpu(), false)
 * @see useGpu
 * @category kernels
 * @since 0.2.0
 */
export function releaseGpu(): boolean {
  const previous = installGpuKernels(null)
  previous?.destroy()
  return previous !== null
}

/**
 * What the installed gpu.js kernels run on (`backend`, WebGL `renderer`, `software`), or null when {@link useGpu}
 * has not installed any.
 * @returns The {@link GpuInfo} of the installed kernels, or null.
 * @example
 * import { gpuInfo, releaseGpu, useGpu } from 'descent-ts/gpu'
 * assert.strictEqual(gpuInfo(), null)
 * useGpu({ mode: 'cpu' })
 * assert.deepStrictEqual(gpuInfo(), { backend: 'cpu', renderer: '', software: false })
 * releaseGpu()
 * @see useGpu
 * @category kernels
 * @since 0.2.0
 */
export function gpuInfo(): GpuInfo | null {
  const g = gpuKernels()
  return g === null ? null : infoOf(g)
}
