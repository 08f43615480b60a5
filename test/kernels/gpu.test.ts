import * as E from 'fp-ts/Either'
import { afterAll, describe, expect, it } from 'vitest'
import { matmulTs } from '../../src/kernels/dispatch'
import { gpuBackend } from '../../src/kernels/gpu'

const backend = gpuBackend()
const available = E.isRight(backend)
const g = E.isRight(backend) ? backend.right : undefined

const rand = (n: number, seed: number): Float32Array => {
  let x = seed
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1)
}

describe('gpuBackend', () => {
  afterAll(() => g?.destroy())

  it('returns Right with a gpu.js mode, or Left with a reason', () => {
    if (E.isLeft(backend))
      expect(backend.left).toMatchObject({ _tag: 'BackendUnavailable', backend: 'gpu', reason: expect.any(String) })
    else expect(typeof backend.right.mode).toBe('string')
  })

  it.runIf(available)('runs webasm in Node and is not a software renderer', () => {
    expect(g!.mode).toBe('webasm')
    expect(g!.software).toBe(false)
  })

  it.runIf(available).each([
    [1, 1, 1],
    [3, 5, 2],
    [33, 70, 17],
    [64, 64, 64],
  ])('matmul %i×%i·%i matches the TS reference (f32 tolerance)', (M, K, N) => {
    const a = rand(M * K, M + 3 * K)
    const b = rand(K * N, K + 5 * N)
    const [a0, b0] = [a.slice(), b.slice()]
    const got = g!.matmul(a, b, M, K, N)
    const want = matmulTs(a, b, M, K, N)
    expect(got.length).toBe(M * N)
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * K)
    expect(a).toEqual(a0)
    expect(b).toEqual(b0)
  })

  it.runIf(available)('elementwise kernels match the float32-rounded formula', () => {
    const a = rand(1000, 1)
    const b = rand(1000, 2).map((x) => x + 3)
    const ops = {
      add: (x: number, y: number) => x + y,
      sub: (x: number, y: number) => x - y,
      mul: (x: number, y: number) => x * y,
      div: (x: number, y: number) => x / y,
      max: Math.max,
      min: Math.min,
    } as const
    for (const [op, f] of Object.entries(ops)) {
      const got = g!.binary(op as keyof typeof ops, a, b)
      for (let i = 0; i < a.length; i++) expect(got[i]).toBeCloseTo(Math.fround(f(a[i]!, b[i]!)), 6)
    }
    const ax = g!.axpy(0.5, a, b)
    for (let i = 0; i < a.length; i++) expect(Math.abs(ax[i]! - (0.5 * a[i]! + b[i]!))).toBeLessThan(1e-6)
  })

  it.runIf(available)('rejects mismatched sizes', () => {
    expect(() => g!.matmul(new Float32Array(3), new Float32Array(3), 2, 2, 2)).toThrow(RangeError)
    expect(() => g!.binary('add', new Float32Array(3), new Float32Array(2))).toThrow(RangeError)
  })
})
