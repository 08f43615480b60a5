import { beforeAll, describe, expect, it } from 'vitest'
import { matmulWasm, wasmAvailable } from '../../src/kernels/wasm/index'
import {
  FRESH_AHEAD,
  FRESH_MIN_BYTES,
  sharedKernels,
  whenFreshSettled,
  whenThreadsReady,
} from '../../src/kernels/wasm/shared'
import { f32 } from '../_helpers/adamwInputs'
import { expectSameBits } from '../_helpers/assertions'

// A product whose result is just over the smallest size the worker makes ahead.
const [M, K, N] = [FRESH_MIN_BYTES / 4 / 512 + 1, 24, 512]
const taken = () => sharedKernels()?.freshTaken() ?? 0

describe.runIf(wasmAvailable())('a large matmul result, made ahead by the worker', () => {
  let two = false
  beforeAll(async () => {
    two = await whenThreadsReady()
  })

  it.each([1, 2] as const)(
    'threads %i: every result an ordinary array of its own, the bits of the product into a reused out',
    async (threads) => {
      const a = f32(M * K, 3)
      const b = f32(K * N, 4)
      const want = matmulWasm(a, b, M, K, N, { threads }, new Float32Array(M * N).fill(NaN))
      // The first result of a size asks the worker for one array, the second for the rest of FRESH_AHEAD.
      matmulWasm(a, b, M, K, N, { threads })
      matmulWasm(a, b, M, K, N, { threads })
      await whenFreshSettled()
      const before = taken()
      const results = Array.from({ length: 5 }, () => matmulWasm(a, b, M, K, N, { threads }))
      // With the worker up, results come from it (FRESH_AHEAD were ready; the later ones too if it kept up).
      if (two) expect(taken() - before).toBeGreaterThanOrEqual(FRESH_AHEAD)
      else expect(taken()).toBe(before)
      expect(new Set(results.map((r) => r.buffer)).size).toBe(results.length)
      for (const r of results) {
        expect(r.buffer instanceof SharedArrayBuffer).toBe(false)
        expect(r.byteOffset).toBe(0)
        expect(r.buffer.byteLength).toBe(M * N * 4)
        // Each one is still the product after the others were made (no buffer was handed out twice).
        expectSameBits(r, want)
      }
      await whenFreshSettled()
    },
  )
})
