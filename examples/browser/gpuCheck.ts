/**
 * gpu.js against the CPU path, on the same inputs, through the public entries: `useGpu` from `descent-ts/gpu` installs
 * the gpu.js kernels, then descent's own `matmul` (and the matmul inside `grad`) runs under `withBackend('gpu')` and
 * under `withBackend('js')` (the SIMD WebAssembly / TS kernels); the element-wise kernels of `gpuBackend` are compared
 * with float32 arithmetic in JS.
 *
 * Both sides round to float32 but may sum in different orders, so a product element may differ by the rounding of a
 * K-term float32 dot product. The bound used (Higham, Accuracy and Stability of Numerical Algorithms, §3.1):
 * ```text
 * |ĉᵢⱼ − cᵢⱼ| ≤ 2·γ_K · Σₖ |aᵢₖ|·|bₖⱼ|,   γ_K = K·u / (1 − K·u),   u = 2⁻²⁴
 * ```
 * (each side within γ_K of the exact product). An element-wise op is one correctly rounded float32 operation on both
 * sides: equal up to 1 ulp (|d| ≤ 2⁻²³·|c|) in case the GPU's rounding differs from IEEE's.
 */
import * as E from 'fp-ts/Either'
import {
  type PRNGKey,
  type Tensor,
  grad,
  matmul,
  mul,
  ops,
  prngKey,
  randomNormal,
  splitKey,
  withBackend,
} from '../../src/index'
import { type GpuBinaryOp, gpuBackend, gpuInfo, releaseGpu, useGpu } from '../../src/gpu/index'

export interface OpCheck {
  readonly op: string
  readonly shape: string
  /** max over elements of |gpu − cpu| / bound (≤ 1 passes) */
  readonly worstRatio: number
  readonly maxAbsDiff: number
  readonly ok: boolean
}

export interface GpuCheck {
  /** The gpu.js backend that ran (`webgl2`, …), or `''` when none could be used. */
  readonly backend: string
  readonly renderer: string
  readonly software: boolean
  /** Why gpu.js could not be used (only when `backend` is `''`). */
  readonly reason: string
  readonly ops: readonly OpCheck[]
}

const U = 2 ** -24

/** Checks C = A·B (A M×K, B K×N, row-major) from the GPU against the CPU with the bound above. */
function compareProduct(
  op: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  [M, K, N]: readonly [number, number, number],
  gpu: ArrayLike<number>,
  cpu: ArrayLike<number>,
): OpCheck {
  const gamma = (K * U) / (1 - K * U)
  let worstRatio = 0
  let maxAbsDiff = 0
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let absSum = 0
      for (let k = 0; k < K; k++) absSum += Math.abs(a[i * K + k]! * b[k * N + j]!)
      const d = Math.abs(gpu[i * N + j]! - cpu[i * N + j]!)
      const bound = 2 * gamma * absSum + Number.MIN_VALUE
      maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d)
      worstRatio = Math.max(worstRatio, Number.isNaN(d) ? Infinity : d / bound)
    }
  return { op, shape: `${M}×${K} · ${K}×${N}`, worstRatio, maxAbsDiff, ok: worstRatio <= 1 }
}

function compareElementwise(op: string, n: number, gpu: ArrayLike<number>, cpu: ArrayLike<number>): OpCheck {
  let worstRatio = 0
  let maxAbsDiff = 0
  for (let i = 0; i < n; i++) {
    const d = Math.abs(gpu[i]! - cpu[i]!)
    const bound = 2 * U * Math.abs(cpu[i]!) + Number.MIN_VALUE
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d)
    worstRatio = Math.max(worstRatio, Number.isNaN(d) ? Infinity : d / bound)
  }
  return { op, shape: `${n}`, worstRatio, maxAbsDiff, ok: worstRatio <= 1 }
}

/** The float32 result of one IEEE operation: the float64 result of two float32 inputs, rounded once. */
const JS_OPS: Readonly<Record<GpuBinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: Math.max,
  min: Math.min,
}

/** Row-major transpose of an r×c matrix. */
function transpose(a: ArrayLike<number>, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c)
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j]!
  return out
}

/**
 * Runs the comparison; `allowSoftware` accepts a software renderer (SwiftShader in headless Chromium). Whatever
 * gpu.js kernels were installed before (the page's, for training) are installed again afterwards.
 */
export function checkGpu(allowSoftware: boolean): GpuCheck {
  const before = gpuInfo()
  const installed = useGpu({ allowSoftware })
  if (E.isLeft(installed)) return { backend: '', renderer: '', software: false, reason: installed.left.reason, ops: [] }
  const { backend, renderer, software } = installed.right
  const keys = splitKey(prngKey(7), 8) as PRNGKey[]
  const checks: OpCheck[] = []
  try {
    // descent's matmul on both paths; 1×K·K×N is the vector × matrix case.
    const shapes = [
      [1, 300, 40],
      [33, 70, 45],
      [64, 128, 96],
    ] as const
    shapes.forEach(([M, K, N], s) => {
      const a = randomNormal(keys[s]!, [M, K])
      const b = randomNormal(keys[s + 3]!, [K, N])
      const onGpu = withBackend('gpu', () => matmul(a, b)).dataSync()
      const onCpu = withBackend('js', () => matmul(a, b)).dataSync()
      checks.push(compareProduct('matmul', a.dataSync(), b.dataSync(), [M, K, N], onGpu, onCpu))
    })
    // The matmul inside autodiff: ∇_W Σ (X·W) ⊙ C = Xᵀ·C, a 50×40 · 40×30 product in the backward pass.
    const x = randomNormal(keys[6]!, [40, 50])
    const c = randomNormal(keys[7]!, [40, 30])
    const w = randomNormal(prngKey(8), [50, 30])
    const dW = grad((v: Tensor) => ops.sum(mul(matmul(x, v), c)))
    const gGpu = withBackend('gpu', () => dW(w)).dataSync()
    const gCpu = withBackend('js', () => dW(w)).dataSync()
    checks.push(compareProduct('grad (Xᵀ·C)', transpose(x.dataSync(), 40, 50), c.dataSync(), [50, 40, 30], gGpu, gCpu))
  } finally {
    releaseGpu()
    if (before !== null) useGpu({ allowSoftware: before.software })
  }
  // The element-wise kernels, from a gpu.js backend of its own.
  const made = gpuBackend({ allowSoftware })
  if (E.isRight(made)) {
    const n = 10_000
    const a = randomNormal(prngKey(9), [n]).dataSync() as Float32Array
    const b = randomNormal(prngKey(10), [n]).dataSync() as Float32Array
    for (const op of ['add', 'mul', 'div', 'max'] as const) {
      const cpu = Float32Array.from(a, (v, i) => JS_OPS[op](v, b[i]!))
      checks.push(compareElementwise(op, n, made.right.binary(op, a, b), cpu))
    }
    made.right.destroy()
  }
  return { backend, renderer, software, reason: '', ops: checks }
}
