import { describe, expect, it } from 'vitest'
import { reluKernel, reluMaskKernel } from '../../src/kernels/fusedLayer'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { RELU_WASM_MIN, reluMaskWasm, reluWasm } from '../../src/kernels/wasm/reluWasm'
import { f32 } from '../_helpers/adamwInputs'

/** Float32 values of every kind, as bits: NaNs with payloads and either sign, ±Infinity, ±0, subnormals, normals. */
const SPECIAL_BITS = [
  0x7fc00000, 0xffc00000, 0x7f800001, 0xff800123, 0x7fbfffff, 0x7f800000, 0xff800000, 0x00000000, 0x80000000,
  0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff,
]

/** n float32 values mixing the special ones (every 7th element) into random ones of either sign. */
function mixed(n: number, seed: number): Float32Array {
  const x = f32(n, seed, 3)
  const bits = new Uint32Array(x.buffer)
  for (let i = 0, j = seed; i < n; i += 7, j++) bits[i] = SPECIAL_BITS[j % SPECIAL_BITS.length]!
  return x
}

const bitsOf = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)]

// Expected from the definition, bit for bit: x ≤ 0 ? +0 : v (so NaN payloads of either sign pass, −0 becomes +0).
const expectedRelu = (x: Float32Array): number[] => bitsOf(x).map((b, i) => (x[i]! <= 0 ? 0 : b))
const expectedMask = (ct: Float32Array, x: Float32Array): number[] => bitsOf(ct).map((b, i) => (x[i]! <= 0 ? 0 : b))

// Both sides of the threshold, every tail length mod 4, and more than one chunk (16384 floats) with a ragged end.
const SIZES = [
  RELU_WASM_MIN - 1,
  RELU_WASM_MIN,
  RELU_WASM_MIN + 1,
  RELU_WASM_MIN + 2,
  RELU_WASM_MIN + 3,
  16384,
  2 * 16384 + 5,
]

describe('relu and its mask through the SIMD kernels', () => {
  it.each(SIZES)('%i elements: the bits of x ≤ 0 ? +0 : v, NaN payloads and signs kept', (n) => {
    const x = mixed(n, 3)
    const ct = mixed(n, 8)
    const keepX = bitsOf(x)
    const keepCt = bitsOf(ct)
    expect(bitsOf(reluKernel(x, Float32Array) as Float32Array)).toEqual(expectedRelu(x))
    expect(bitsOf(reluMaskKernel(ct, x, Float32Array) as Float32Array)).toEqual(expectedMask(ct, x))
    // The inputs are never written.
    expect(bitsOf(x)).toEqual(keepX)
    expect(bitsOf(ct)).toEqual(keepCt)
  })

  it.runIf(wasmAvailable())('the SIMD part covers all but the last n mod 4 elements, and nothing past them', () => {
    const n = RELU_WASM_MIN + 3
    const x = mixed(n, 5)
    const out = new Float32Array(n).fill(7)
    expect(reluWasm(x, out)).toBe(n - 3)
    expect(bitsOf(out.subarray(0, n - 3))).toEqual(expectedRelu(x).slice(0, n - 3))
    expect([...out.subarray(n - 3)]).toEqual([7, 7, 7])
    const ct = mixed(n, 6)
    out.fill(7)
    expect(reluMaskWasm(ct, x, out)).toBe(n - 3)
    expect(bitsOf(out.subarray(0, n - 3))).toEqual(expectedMask(ct, x).slice(0, n - 3))
    expect([...out.subarray(n - 3)]).toEqual([7, 7, 7])
    expect(reluWasm(new Float32Array(3), new Float32Array(3))).toBe(0)
  })
})
