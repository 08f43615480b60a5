import { type AdamwOut, type AdamwScalars, adamwWasm, wasmAvailable } from '../wasm/index'
import { adamwFusedTs } from './adamwFusedTs'
import { sumSquares32 } from '../sumSquares'

/**
 * Leaf size from which the SIMD WebAssembly kernel beats the plain-TS loop: below it the copy into and out of the
 * module's memory costs more than it saves. Since the kernel computes in f32x4 (issue 13) that is ≈ 64 elements
 * (interleaved medians on the 2-vCPU bench machine, pure step with p′: 64 elements 2.95 µs TS against 3.04 wasm,
 * 256: 8.5 against 4.2, 640: 19.7 against 6.9, 2047: 58.9 against 15.2); it was 2048 for the f64x2 kernel.
 */
export const ADAMW_WASM_MIN = 128

/** Which implementation runs a fused step: `'auto'` picks by size. */
export type FusedKernel = 'auto' | 'ts' | 'wasm'

/** Options of {@link adamwFused}. */
export interface AdamwFusedOptions {
  /** Also compute p′ = p + u (the applied step). @defaultValue false */
  readonly applyParams?: boolean
  /** Force an implementation. @defaultValue 'auto' */
  readonly kernel?: FusedKernel
  /**
   * Library-owned buffers to write into instead of fresh ones (donation, as with JAX's `donate_argnums`): they may
   * be the very m and v passed in (the kernels read each element before writing it), never an array a caller holds.
   */
  readonly out?: AdamwOut
  /**
   * False when the caller never reads u: the SIMD kernel then neither stores nor copies it out (the TS kernel, and
   * the SIMD kernel's scalar tail, still write `out.u`). @defaultValue true
   */
  readonly storeU?: boolean
  /**
   * Receives [Σu², Σp′²] of this leaf (needs `out.p` or `applyParams`), the same bits as `sumSquares32` of u and p′:
   * the SIMD kernel sums each chunk while it is in cache (the train step's updateNorm and paramNorm). A third entry
   * receives Σg², the bits of `sumSquares32(g)` (the train step's gradNorm).
   */
  readonly squares?: Float64Array | undefined
}

/**
 * One fused Adam/AdamW step over a float32 leaf: returns fresh m′, v′, u (and p′ when `applyParams`) computed in a
 * single pass, bit-identical whichever kernel runs. The inputs are never written (unless donated through `out`).
 */
export function adamwFused(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  scalars: AdamwScalars,
  options: AdamwFusedOptions = {},
): AdamwOut {
  const n = g.length
  if (p.length !== n || m.length !== n || v.length !== n) {
    throw new RangeError(`adamwFused: lengths differ (p ${p.length}, g ${n}, m ${m.length}, v ${v.length})`)
  }
  const out: AdamwOut = options.out ?? {
    m: new Float32Array(n),
    v: new Float32Array(n),
    u: new Float32Array(n),
    p: options.applyParams === true ? new Float32Array(n) : undefined,
  }
  const kernel = options.kernel ?? 'auto'
  const useWasm = kernel === 'wasm' || (kernel === 'auto' && n >= ADAMW_WASM_MIN && wasmAvailable())
  const squares = out.p !== undefined ? options.squares : undefined
  if (useWasm) {
    adamwWasm(p, g, m, v, scalars, out, options.storeU ?? true, squares)
  } else {
    adamwFusedTs(p, g, m, v, scalars, out)
    if (squares !== undefined && out.p !== undefined) {
      squares[0] = sumSquares32(out.u)
      squares[1] = sumSquares32(out.p)
      if (squares.length > 2) squares[2] = sumSquares32(g)
    }
  }
  return out
}
