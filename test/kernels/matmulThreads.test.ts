import { spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { matmul, matmulEpilogue } from '../../src/kernels/dispatch'
import { matmulWasm, wasmAvailable } from '../../src/kernels/wasm/index'
import { ONE_JOB_MAX_MACS } from '../../src/kernels/wasm/matmul'
import { ELEMENTWISE_SPLIT_MIN, SPLIT_MIN_MACS, sharedKernels, whenThreadsReady } from '../../src/kernels/wasm/shared'
import { expectSameBits } from '../_helpers/assertions'
import { CASES, inputs } from './fixtures/matmulCases'

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')

/** Runs fixtures/matmulChild.ts in a fresh Node process (mode: see there). */
function child(mode: string, env: Record<string, string> = {}) {
  const script = resolve(__dirname, 'fixtures/matmulChild.ts')
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, mode], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    // The products' bytes as base64 (spawnSync's default limit, 1 MiB, would kill the child).
    maxBuffer: 1 << 25,
  })
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  return JSON.parse(r.stdout) as { shared: boolean; state: string | null; splits: number; products: string[] }
}

describe.runIf(wasmAvailable())('matmul on two threads', () => {
  let two = false
  beforeAll(async () => {
    two = await whenThreadsReady()
  })

  it('Node with two cores and no DESCENT_THREADS runs the worker', () => {
    const expected = availableParallelism() >= 2 && process.env['DESCENT_THREADS'] !== '1'
    expect(two).toBe(expected)
    expect(sharedKernels()!.workerState()).toBe(expected ? 'up' : 'one')
  })

  it('the cases split both ways: one job (packing as the parts are posted) and two (packing, then the product)', () => {
    const macs = CASES.map((c) => c.M * c.K * c.N)
    expect(macs.every((m) => m >= SPLIT_MIN_MACS)).toBe(true)
    expect(macs.some((m) => m < ONE_JOB_MAX_MACS)).toBe(true)
    expect(macs.some((m) => m >= ONE_JOB_MAX_MACS)).toBe(true)
  })

  it.each(CASES.map((c) => [`${c.M}×${c.K}·${c.K}×${c.N} tA=${c.tA} tB=${c.tB}`, c] as const))(
    '%s: two threads give the bytes of one thread',
    (_, c) => {
      const { a, b, bias } = inputs(c)
      const options = { transA: c.tA, transB: c.tB, bias, relu: c.relu }
      const jobs = c.M * c.K * c.N < ONE_JOB_MAX_MACS ? 1 : 2
      const before = sharedKernels()!.splits()
      const split = matmulWasm(a, b, c.M, c.K, c.N, { ...options, threads: 2 })
      if (two) expect(sharedKernels()!.splits()).toBe(before + jobs)
      const single = matmulWasm(a, b, c.M, c.K, c.N, { ...options, threads: 1 })
      expect(sharedKernels()!.splits()).toBe(two ? before + jobs : before)
      expectSameBits(split, single)
    },
  )

  it('a product on this thread runs in the own memory: the bytes of the shared-memory split (odd sizes, NaN, ±∞)', () => {
    const shapes = [
      [1, 1, 1],
      [3, 5, 7],
      [13, 10, 10],
      [32, 64, 10],
    ] as const
    for (const [M, K, N] of shapes) {
      expect(M * K * N).toBeLessThan(SPLIT_MIN_MACS)
      const a = Float32Array.from({ length: M * K }, (_, i) => 2 * Math.sin(1.3 * i))
      const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(0.7 * i))
      a[0] = NaN
      b[b.length - 1] = Infinity
      if (a.length > 2) a[2] = -Infinity
      const bias = Float32Array.from({ length: N }, (_, j) => j - 2.5)
      for (const options of [{}, { transA: true }, { transB: true, bias, relu: true }]) {
        const before = sharedKernels()!.splits()
        const split = matmulWasm(a, b, M, K, N, { ...options, threads: 2 })
        expect(sharedKernels()!.splits()).toBe(two ? before + 1 : before) // one job (under ONE_JOB_MAX_MACS)
        expectSameBits(matmulWasm(a, b, M, K, N, options), split)
      }
    }
  })

  it('without SharedArrayBuffer (a page without cross-origin isolation): own memory, one thread, same bytes', () => {
    const r = child('noshared')
    expect(r.shared).toBe(false)
    CASES.forEach((c, i) => {
      const { a, b, bias } = inputs(c)
      expect(r.products[i]).toBe(
        bytes(matmulWasm(a, b, c.M, c.K, c.N, { transA: c.tA, transB: c.tB, bias, relu: c.relu })),
      )
    })
  })

  it('where reading the environment throws (Deno without --allow-env): the default threads, same bytes', () => {
    const r = child('noenv')
    expect(r.shared).toBe(true)
    expect(r.state).not.toBe('one')
    expect(r.state === 'failed').toBe(false)
    CASES.forEach((c, i) => {
      const { a, b, bias } = inputs(c)
      expect(r.products[i]).toBe(
        bytes(matmulWasm(a, b, c.M, c.K, c.N, { transA: c.tA, transB: c.tB, bias, relu: c.relu })),
      )
    })
  })

  it('DESCENT_THREADS=1 keeps every product on the calling thread, same bytes', () => {
    const r = child('env', { DESCENT_THREADS: '1' })
    expect(r).toMatchObject({ shared: true, state: 'one', splits: 0 })
    CASES.forEach((c, i) => {
      const { a, b, bias } = inputs(c)
      expect(r.products[i]).toBe(
        bytes(matmulWasm(a, b, c.M, c.K, c.N, { transA: c.tA, transB: c.tB, bias, relu: c.relu })),
      )
    })
  })
})

describe.runIf(wasmAvailable())('matmul bias/ReLU epilogue', () => {
  it('by hand: relu([[1,2],[3,4]]·[[1,−1],[0,1]] + [−2, 0.5])', () => {
    // product [[1, 1], [3, 1]]; + bias [[−1, 1.5], [1, 1.5]]; relu [[0, 1.5], [1, 1.5]]
    const a = new Float32Array([1, 2, 3, 4])
    const b = new Float32Array([1, -1, 0, 1])
    const bias = new Float32Array([-2, 0.5])
    expect([...matmulWasm(a, b, 2, 2, 2, { bias })]).toEqual([-1, 1.5, 1, 1.5])
    expect([...matmulWasm(a, b, 2, 2, 2, { bias, relu: true })]).toEqual([0, 1.5, 1, 1.5])
    expect([...matmulWasm(a, b, 2, 2, 2, { relu: true })]).toEqual([1, 1, 3, 1])
  })

  it('K = 0: the product is +0, so C = +0 ⊕ bias (−0 ⊕ +0 = +0) and ReLU gives +0', () => {
    const bias = new Float32Array([-0, 2, -3])
    const c = matmulWasm(new Float32Array(0), new Float32Array(0), 2, 0, 3, { bias })
    expect([...c]).toEqual([0, 2, -3, 0, 2, -3])
    expect(Object.is(c[0], 0)).toBe(true)
    expect([...matmulWasm(new Float32Array(0), new Float32Array(0), 1, 0, 3, { bias, relu: true })]).toEqual([0, 2, 0])
  })

  it.each([
    [5, 7, 9],
    [17, 300, 33],
    [128, 784, 256],
    [64, 513, 10],
  ])('%i×%i·%i×?: fused = product, then float32 bias add, then where(x ≤ 0, 0, x), bit for bit', (M, K, N) => {
    const { a, b, bias } = inputs({ M, K, N, tA: false, tB: false, bias: true, relu: true })
    for (const relu of [false, true]) {
      const plain = matmulWasm(a, b, M, K, N)
      const expected = new Float32Array(M * N)
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          const x = Math.fround(plain[i * N + j]! + bias![j]!)
          expected[i * N + j] = relu && x <= 0 ? 0 : x
        }
      expectSameBits(matmulWasm(a, b, M, K, N, { bias, relu }), expected)
      // The dispatcher's other kernels apply the same epilogue after their product.
      expectSameBits(matmulEpilogue(plain.slice(), N, bias, relu), expected)
    }
  })

  it('the TS kernel applies the epilogue too (within float32 tolerance of the SIMD one)', () => {
    const { a, b, bias } = inputs({ M: 6, K: 5, N: 4, tA: false, tB: false, bias: true, relu: true })
    // No planted NaN or Infinity here: compare values.
    a[5] = 0.25
    a[29] = 0.5
    b[7] = 0.75
    const ts = matmul(a, b, 6, 5, 4, { bias, relu: true, kernel: 'ts' })
    const simd = matmul(a, b, 6, 5, 4, { bias, relu: true, kernel: 'wasm' })
    for (let i = 0; i < ts.length; i++) expect(Math.abs(ts[i]! - simd[i]!)).toBeLessThanOrEqual(1e-5)
    expect(ts.every((x) => x >= 0)).toBe(true)
    expect(ts.some((x) => x === 0)).toBe(true)
  })

  it('rejects a bias of the wrong length', () => {
    const a = new Float32Array(4)
    expect(() => matmulWasm(a, a, 2, 2, 2, { bias: new Float32Array(3) })).toThrow(RangeError)
    expect(() => matmul(a, a, 2, 2, 2, { bias: new Float32Array(1) })).toThrow(RangeError)
  })
})

describe.runIf(sharedKernels() !== null)('shared memory allocator', () => {
  it('reuses freed blocks, coalesces neighbours, and grows the memory', () => {
    const s = sharedKernels()!
    const p1 = s.alloc(100)
    const p2 = s.alloc(16)
    const p3 = s.alloc(1)
    expect(p1 % 16).toBe(0)
    expect(p2).toBeGreaterThanOrEqual(p1 + 100)
    expect(p3).toBeGreaterThanOrEqual(p2 + 16)
    s.free(p1)
    s.free(p2)
    const p4 = s.alloc(112 + 16) // fits exactly in the coalesced p1 + p2 hole
    expect(p4).toBe(p1)
    const big = s.alloc(64 << 20)
    expect(s.memory.buffer.byteLength).toBeGreaterThanOrEqual(big + (64 << 20))
    s.f32()[(big >> 2) + (16 << 20) - 1] = 1 // the last float of the block is addressable
    for (const p of [big, p4, p3]) s.free(p)
    expect(() => s.free(p3)).toThrow(/not allocated/)
  })
})

describe.runIf(sharedKernels() !== null)('elementwise kernels on two threads', () => {
  it.each([
    [ELEMENTWISE_SPLIT_MIN + 4, true],
    [2 * ELEMENTWISE_SPLIT_MIN + 12, false],
  ])('adamw over %i elements (p′ written: %s): the split call gives the bytes of one call', async (n, withP) => {
    const s = sharedKernels()!
    const two = await whenThreadsReady()
    const rand = (seed: number) =>
      inputs({ M: 1, K: n, N: 1, tA: false, tB: false, bias: false, relu: false }).a.map((x) => x * seed)
    const ins = [rand(1), rand(0.5), rand(0.1), rand(1).map(Math.abs)] // p, g, m, v
    const scalars = [0.9, 0.999, 0.1, 0.001, 0.19, 1e-8, 0, 0.01, -0.001, 1, 0]
    const run = (split: boolean): Float32Array[] => {
      const ptrs = Array.from({ length: 8 }, () => s.alloc(n * 4))
      ins.forEach((x, i) => s.f32().set(x, ptrs[i]! / 4))
      if (!withP) ptrs[7] = 0
      const before = s.splits()
      if (split) s.elementwise('adamw', ptrs, n, scalars, true)
      else
        s.exports.adamw(
          ...(ptrs as [number, number, number, number, number, number, number, number]),
          n,
          ...(scalars as [number, number, number, number, number, number, number, number, number, number, number]),
        )
      expect(s.splits()).toBe(before + (split && two ? 1 : 0))
      const outs = ptrs
        .slice(4)
        .filter((p) => p !== 0)
        .map((p) => s.f32().slice(p / 4, p / 4 + n))
      for (const p of ptrs) if (p !== 0) s.free(p)
      return outs
    }
    const [split, single] = [run(true), run(false)]
    expect(split.length).toBe(withP ? 4 : 3)
    split.forEach((x, i) => expectSameBits(x, single[i]!))
  })
})
