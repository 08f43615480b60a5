import { finishSquareLanes, sumSquares32 } from './sumSquares'
import { BASE, heap, wasmExports } from './wasm/index'

/**
 * From this many elements {@link sumSquaresF32} runs the SIMD kernel: below, the copy into wasm memory and the call
 * cost more than the TS loop saves.
 */
export const SUM_SQUARES_SIMD_MIN = 512

/** Floats copied into the module's memory per kernel call (64 KiB: L1/L2-resident, and the memory stays small). */
const CHUNK = 16384

/**
 * @internal Σ xᵢ² of float32 data in float64: the same bits as {@link sumSquares32} (the same eight float64 lanes,
 * element i into lane i mod 8 in increasing i, combined the same way, then the tail in order), computed by the SIMD
 * kernel `sumSquareLanes` where WebAssembly SIMD is available and the array has {@link SUM_SQUARES_SIMD_MIN} elements
 * or more: the data is copied into the module's memory chunk by chunk (multiples of 8 elements, so every element
 * keeps its lane) and the lanes stay in wasm memory between chunks. ≈ 3–4× faster than the TS loop on large arrays
 * (tree.norm's float32 leaves: trainStep's ‖g‖, clipByGlobalNorm, the step norms).
 * ```text
 * Σᵢ xᵢ² = ((s₀+s₁)+(s₂+s₃))+((s₄+s₅)+(s₆+s₇)) + Σ_{i ≥ 8⌊n/8⌋} xᵢ²      sₖ = Σⱼ x²₈ⱼ₊ₖ
 * ```
 */
export function sumSquaresF32(a: Float32Array): number {
  const n = a.length
  const k = n >= SUM_SQUARES_SIMD_MIN ? wasmExports() : null
  if (k === null) return sumSquares32(a)
  const n8 = n - (n % 8)
  const chunk = Math.min(CHUNK, n8)
  const lanesAt = BASE + chunk * 4
  heap(k, chunk * 4 + 64)
  const f = new Float32Array(k.memory.buffer, BASE, chunk)
  const lanes = new Float64Array(k.memory.buffer, lanesAt, 8)
  lanes.fill(0)
  for (let lo = 0; lo < n8; lo += chunk) {
    const len = Math.min(chunk, n8 - lo)
    f.set(a.subarray(lo, lo + len))
    k.sumSquareLanes(BASE, len, lanesAt)
  }
  return finishSquareLanes(lanes, a, n8, n)
}
