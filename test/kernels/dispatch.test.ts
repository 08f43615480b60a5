import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { releaseGpu, useGpu } from '../../src/gpu/index'
import {
  THRESHOLDS,
  chooseMatmulKernel,
  getBackend,
  gpuKernels,
  matmul,
  matmulTs,
  setBackend,
} from '../../src/kernels/dispatch'
import { wasmAvailable } from '../../src/kernels/wasm/index'

const rand = (n: number, seed: number): Float32Array => {
  let x = seed
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1)
}

describe('dispatch', () => {
  afterEach(() => setBackend('auto'))
  // descent-ts/gpu installs the gpu.js kernels (gpu.js's WebAssembly mode in Node: always available here).
  beforeAll(() => useGpu())
  afterAll(() => releaseGpu())

  it('defaults to auto and validates the choice', () => {
    expect(getBackend()).toBe('auto')
    expect(() => setBackend('cuda' as 'js')).toThrow("setBackend: expected 'js', 'gpu' or 'auto'; got \"cuda\"")
  })

  it('auto: TS below the wasm threshold, wasm above, never gpu.js wasm mode in Node (even installed)', () => {
    expect(gpuKernels()?.backend).toBe('wasm')
    expect(chooseMatmulKernel(2, 2, 2)).toBe('ts')
    const big = chooseMatmulKernel(512, 512, 512)
    expect(big).toBe(wasmAvailable() ? 'wasm' : 'ts')
    expect(THRESHOLDS.matmulWasmMinMacs).toBeGreaterThan(8)
  })

  it('js never picks gpu; gpu picks gpu.js when it is available; a per-call override wins', () => {
    setBackend('js')
    expect(chooseMatmulKernel(512, 512, 512)).not.toBe('gpu')
    setBackend('gpu')
    expect(chooseMatmulKernel(4, 4, 4)).toBe('gpu')
    expect(chooseMatmulKernel(4, 4, 4, 'ts')).toBe('ts')
  })

  it('every kernel gives the TS reference result within float32 tolerance, with transposes', () => {
    const [M, K, N] = [9, 31, 6]
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = rand(M * K, 1)
      const b = rand(K * N, 2)
      const want = matmulTs(a, b, M, K, N, { transA, transB })
      for (const kernel of ['ts', 'wasm', 'gpu'] as const) {
        const got = matmul(a, b, M, K, N, { transA, transB, kernel })
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4)
      }
    }
  })

  it('matmulTs by hand: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]; transposed A gives [[26,30],[38,44]]', () => {
    const a = new Float32Array([1, 2, 3, 4])
    const b = new Float32Array([5, 6, 7, 8])
    expect([...matmulTs(a, b, 2, 2, 2)]).toEqual([19, 22, 43, 50])
    // Aᵀ = [[1,3],[2,4]]: [1·5+3·7, 1·6+3·8; 2·5+4·7, 2·6+4·8]
    expect([...matmul(a, b, 2, 2, 2, { transA: true })]).toEqual([26, 30, 38, 44])
  })

  it('rejects mismatched sizes', () => {
    expect(() => matmul(new Float32Array(3), new Float32Array(4), 2, 2, 2)).toThrow(RangeError)
  })
})

describe('withBackend (per-call override) and the public exports', () => {
  beforeAll(() => useGpu())
  afterAll(() => releaseGpu())

  it('overrides for the call only, restores after a throw, nests', async () => {
    const d = await import('../../src/index')
    expect(d.getBackend()).toBe('auto')
    expect(d.withBackend('js', () => d.getBackend())).toBe('js')
    expect(d.getBackend()).toBe('auto')
    expect(() =>
      d.withBackend('gpu', () => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(d.getBackend()).toBe('auto')
    expect(
      d.withBackend('js', () => [d.getBackend(), d.withBackend('gpu', () => d.getBackend()), d.getBackend()]),
    ).toEqual(['js', 'gpu', 'js'])
    expect(() => d.withBackend('tpu' as 'js', () => 1)).toThrow(RangeError)
    expect(d.getBackend()).toBe('auto')
  })

  it('ops.matmul and its gradient give the same numbers under js and auto (within float32 tolerance)', async () => {
    const d = await import('../../src/index')
    const a = d.tensor(
      Float32Array.from({ length: 32 * 24 }, (_, i) => Math.sin(i)),
      [32, 24],
    )
    const b = d.tensor(
      Float32Array.from({ length: 24 * 16 }, (_, i) => Math.cos(i)),
      [24, 16],
    )
    const f = (x: typeof a) => d.ops.sum(d.ops.matmul(x, b))
    const [js, auto] = (['js', 'auto'] as const).map((c) => d.withBackend(c, () => [d.matmul(a, b), d.grad(f)(a)]))
    for (let i = 0; i < 2; i++) {
      const x = js![i]!.data
      const y = auto![i]!.data
      x.forEach((v, j) => expect(Math.abs(v - y[j]!)).toBeLessThan(1e-4 * (1 + Math.abs(v))))
    }
  })
})
