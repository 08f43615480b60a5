/**
 * gpu.js against the CPU path, on the same inputs: the gpu.js matmul against descent's `matmul` on the CPU path
 * (`withBackend('js')`), and the element-wise kernels against float32 arithmetic in JS.
 *
 * The GPU computes in float32 and the CPU path accumulates in float64, so a product element may differ by the
 * rounding of a K-term float32 dot product. The bound used (Higham, Accuracy and Stability, §3.1):
 * ```text
 * |ĉᵢⱼ − cᵢⱼ| ≤ γ_K · Σₖ |aᵢₖ|·|bₖⱼ|,   γ_K = K·u / (1 − K·u),   u = 2⁻²⁴
 * ```
 * plus one rounding of the result (u·|cᵢⱼ|). An element-wise op is one correctly rounded float32 operation on both
 * sides: equal up to 1 ulp (|d| ≤ 2⁻²³·|c|) in case the GPU's rounding differs from IEEE's.
 */
import * as E from 'fp-ts/Either'
import { matmul, prngKey, randomNormal, splitKey, withBackend, type PRNGKey } from '../../src/index'
import { gpuBackend, type GpuBinaryOp } from '../../src/kernels/gpu'

export interface OpCheck {
  readonly op: string
  readonly shape: string
  /** max over elements of |gpu − cpu| / bound */
  readonly worstRatio: number
  readonly maxAbsDiff: number
  readonly ok: boolean
}

export interface GpuCheck {
  readonly available: boolean
  /** gpu.js's mode (`webgl2` …) or why the GPU path is unavailable. */
  readonly mode: string
  readonly software: boolean
  readonly ops: readonly OpCheck[]
}

const U = 2 ** -24

function compareMatmul(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
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
      const c = cpu[i * N + j]!
      const d = Math.abs(gpu[i * N + j]! - c)
      const bound = gamma * absSum + U * Math.abs(c) + Number.MIN_VALUE
      maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d)
      worstRatio = Math.max(worstRatio, Number.isNaN(d) ? Infinity : d / bound)
    }
  return { op: 'matmul', shape: `${M}×${K} · ${K}×${N}`, worstRatio, maxAbsDiff, ok: worstRatio <= 1 }
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

const JS_OPS: Readonly<Record<GpuBinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: Math.max,
  min: Math.min,
}

/** Runs the comparison; `allowSoftware` accepts a software renderer (SwiftShader in headless Chromium). */
export function checkGpu(allowSoftware: boolean): GpuCheck {
  const made = gpuBackend({ allowSoftware })
  if (E.isLeft(made)) return { available: false, mode: made.left.reason, software: false, ops: [] }
  const g = made.right
  const ops: OpCheck[] = []
  const keys = splitKey(prngKey(7), 4) as PRNGKey[]
  for (const [M, K, N] of [
    [33, 70, 45],
    [64, 128, 96],
  ] as const) {
    const a = randomNormal(keys[0]!, [M, K])
    const b = randomNormal(keys[1]!, [K, N])
    const [ad, bd] = [a.dataSync() as Float32Array, b.dataSync() as Float32Array]
    const onCpu = withBackend('js', () => matmul(a, b)).dataSync()
    ops.push(compareMatmul(ad, bd, M, K, N, g.matmul(ad, bd, M, K, N), onCpu))
  }
  const n = 10_000
  const x = randomNormal(keys[2]!, [n]).dataSync() as Float32Array
  const y = randomNormal(keys[3]!, [n]).dataSync() as Float32Array
  for (const op of ['add', 'mul', 'div', 'max'] as const) {
    const cpu = Float32Array.from(x, (v, i) => JS_OPS[op](v, y[i]!))
    ops.push(compareElementwise(op, n, g.binary(op, x, y), cpu))
  }
  const result = { available: true, mode: g.backend, software: g.software, ops }
  g.destroy()
  return result
}
