import { describe, expect, it } from 'vitest'
import { type PyTree, adamw, applyGradients, initTrainState, isTensor, tensor, tree } from '../../src/index'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { reluKernel, reluMaskKernel } from '../../src/kernels/fusedLayer'
import { OUTPUT_UNINIT_MIN, outputF32 } from '../../src/kernels/outputF32'
import { matmulWasm, wasmAvailable } from '../../src/kernels/wasm/index'
import { f32, scalars } from '../_helpers/adamwInputs'
import { expectTypedArraysEqual } from '../_helpers/assertions'

// Sizes on both sides of the threshold from which outputs skip the zero fill.
const SIZES = [0, 1, OUTPUT_UNINIT_MIN - 1, OUTPUT_UNINIT_MIN, OUTPUT_UNINIT_MIN + 5, 100_003]

describe('outputF32: fresh arrays a kernel overwrites in full', () => {
  it('are ordinary Float32Arrays of their own, exactly n elements over a buffer of exactly 4n bytes', () => {
    for (const n of SIZES) {
      const got = [outputF32(n), outputF32(n)]
      for (const a of got) {
        expect(a).toBeInstanceOf(Float32Array)
        expect(a.length).toBe(n)
        expect(a.byteOffset).toBe(0)
        expect(a.buffer.byteLength).toBe(4 * n)
        expect(a.buffer instanceof SharedArrayBuffer).toBe(false)
      }
      if (n > 0) expect(got[0]!.buffer).not.toBe(got[1]!.buffer)
    }
  })

  it('below the threshold they are zero-filled (plain new arrays)', () => {
    expect(outputF32(OUTPUT_UNINIT_MIN - 1).every((x) => Object.is(x, 0))).toBe(true)
  })
})

// Each kernel that takes its output from outputF32 writes every element: outputs above the threshold equal the
// math (or the kernel writing into a zero-filled array), element for element, tails and edges included.
describe('kernels with outputF32 outputs write every element', () => {
  it('relu and its mask: x ≤ 0 ? +0 : x and x ≤ 0 ? 0 : ct, NaN kept', () => {
    for (const n of [OUTPUT_UNINIT_MIN, OUTPUT_UNINIT_MIN + 7]) {
      const x = f32(n, 5)
      x[0] = NaN
      x[1] = -0
      x[n - 1] = 0
      const ct = f32(n, 6)
      const y = reluKernel(x, Float32Array)
      const mask = reluMaskKernel(ct, x, Float32Array)
      expectTypedArraysEqual(
        y,
        Float32Array.from(x, (v) => (v <= 0 ? 0 : v)),
      )
      expectTypedArraysEqual(
        mask,
        Float32Array.from(ct, (v, i) => (x[i]! <= 0 ? 0 : v)),
      )
    }
  })

  it.runIf(wasmAvailable())('matmulWasm: the fresh result equals the one written into a zero-filled array', () => {
    // N a multiple of 8 (one contiguous copy) and not (row by row), with and without the bias + relu epilogue.
    for (const [M, K, N] of [
      [64, 33, 64],
      [70, 19, 61],
      [129, 5, 40],
    ] as const) {
      expect(M * N).toBeGreaterThanOrEqual(OUTPUT_UNINIT_MIN)
      const a = f32(M * K, 1)
      const b = f32(K * N, 2)
      for (const options of [{}, { bias: f32(N, 3), relu: true }]) {
        const into = matmulWasm(a, b, M, K, N, options, new Float32Array(M * N))
        expectTypedArraysEqual(matmulWasm(a, b, M, K, N, options), into)
      }
    }
  })

  it('a pure AdamW step: m′, v′ and θ′ bit for bit the TS kernel into zeroed arrays (SIMD body, scalar tail)', () => {
    for (const n of [OUTPUT_UNINIT_MIN, OUTPUT_UNINIT_MIN + 3]) {
      const tx = adamw(1e-3, { weightDecay: 1e-2 })
      const p = f32(n, 7, 2)
      const g = f32(n, 8, 0.1)
      const next = applyGradients(tx)(initTrainState({ w: tensor(p, [n]) }, tx), { w: tensor(g, [n]) })
      const want = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
      adamwFusedTs(p, g, new Float32Array(n), new Float32Array(n), scalars(1), want)
      const [pOut, mOut, vOut] = tree
        .leaves([next.params, next.optState as PyTree])
        .filter(isTensor)
        .map((x) => x.data as Float32Array)
        .filter((x) => x.length === n)
      expectTypedArraysEqual(pOut!, want.p)
      expectTypedArraysEqual(mOut!, want.m)
      expectTypedArraysEqual(vOut!, want.v)
    }
  })
})
