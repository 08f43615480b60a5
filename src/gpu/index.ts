/**
 * descent-ts/gpu: the gpu.js backend, opt-in. This entry alone loads gpu.js (an optional peer dependency:
 * `npm i gpu.js`); the main entry never does. `useGpu()` creates the gpu.js kernels and installs them in the
 * dispatcher that `setBackend` / `withBackend` of the main entry control: after it, `setBackend('gpu')` sends every
 * matmul to gpu.js, and `'auto'` (the default) sends large ones there on a hardware GPU.
 * @since 0.2.0
 * @module descent-ts/gpu
 */
export { useGpu, releaseGpu, gpuInfo } from './useGpu'
export { gpuBackend, type GpuBackendOptions, type GpuMode } from '../kernels/gpu'
export type { BackendUnavailable, GpuBackendKind, GpuBinaryOp, GpuInfo, GpuKernels } from '../kernels/gpuKernels'
