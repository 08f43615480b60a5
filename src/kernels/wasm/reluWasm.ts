import { BASE, heap, wasmExports } from './index'

/**
 * From this many elements relu and its mask run through the SIMD kernels (`bitselect` on f32x4): the JS loop costs
 * ≈ 4× a copy per element (a float compare, a set and a mask per element, not vectorised by the engine), the SIMD
 * path two copies and a pass that is nearly free.
 */
export const RELU_WASM_MIN = 1024

/** Floats per chunk copied into the module's memory (64 KiB each: two or three arrays stay L2-resident). */
const CHUNK = 16384

/** The module's memory as floats, grown to hold `floats` past BASE; null where WebAssembly SIMD is unavailable. */
function scratch(floats: number): { k: NonNullable<ReturnType<typeof wasmExports>>; f: Float32Array } | null {
  const k = wasmExports()
  return k === null ? null : { k, f: heap(k, floats * 4) }
}

/**
 * @internal out[i] = x[i] ≤ 0 ? +0 : x[i] for i below n − n mod 4 through the SIMD kernel, chunk by chunk; returns
 * how many elements it wrote (0 where WebAssembly SIMD is unavailable): the caller finishes the rest. The bits are
 * those of the JS select (NaN payloads and ±Infinity kept, −0 → +0).
 */
export function reluWasm(x: Float32Array, out: Float32Array): number {
  const n4 = x.length & ~3
  const chunk = Math.min(CHUNK, n4)
  const s = n4 > 0 ? scratch(2 * chunk) : null
  if (s === null) return 0
  const { k, f } = s
  const [xAt, oAt] = [BASE / 4, BASE / 4 + chunk]
  for (let lo = 0; lo < n4; lo += chunk) {
    const len = Math.min(chunk, n4 - lo)
    f.set(x.subarray(lo, lo + len), xAt)
    k.relu(xAt * 4, oAt * 4, len)
    out.set(f.subarray(oAt, oAt + len), lo)
  }
  return n4
}

/**
 * @internal out[i] = x[i] ≤ 0 ? +0 : ct[i] for i below n − n mod 4 through the SIMD kernel (relu's VJP), as
 * {@link reluWasm}; returns how many elements it wrote.
 */
export function reluMaskWasm(ct: Float32Array, x: Float32Array, out: Float32Array): number {
  const n4 = ct.length & ~3
  const chunk = Math.min(CHUNK, n4)
  const s = n4 > 0 ? scratch(3 * chunk) : null
  if (s === null) return 0
  const { k, f } = s
  const [cAt, xAt, oAt] = [BASE / 4, BASE / 4 + chunk, BASE / 4 + 2 * chunk]
  for (let lo = 0; lo < n4; lo += chunk) {
    const len = Math.min(chunk, n4 - lo)
    f.set(ct.subarray(lo, lo + len), cAt)
    f.set(x.subarray(lo, lo + len), xAt)
    k.reluMask(cAt * 4, xAt * 4, oAt * 4, len)
    out.set(f.subarray(oAt, oAt + len), lo)
  }
  return n4
}
