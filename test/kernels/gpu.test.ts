import * as E from 'fp-ts/Either'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { matmulTs } from '../../src/kernels/dispatch'
import { type GpuLike, type KernelLike, gpuBackend, gpuBackendOn } from '../../src/kernels/gpu'
import type { GpuKernels } from '../../src/kernels/gpuKernels'

const rand = (n: number, seed: number): Float32Array => {
  let x = seed
  return Float32Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1)
}

const right = <A>(r: E.Either<unknown, A>): A => {
  if (E.isLeft(r)) throw new Error(`expected Right, got ${JSON.stringify(r.left)}`)
  return r.right
}

// Node runs gpu.js's WebAssembly mode (the default here) and its transpiled-JS cpu mode; both must be there.
const modes: Record<'wasm' | 'cpu', GpuKernels> = {
  wasm: right(gpuBackend()),
  cpu: right(gpuBackend({ mode: 'cpu' })),
}
afterAll(() => Object.values(modes).forEach((g) => g.destroy()))

describe('gpuBackend in Node', () => {
  it('reports the backend gpu.js runs: wasm by default, cpu when asked; no renderer, not software', () => {
    expect([modes.wasm.backend, modes.wasm.renderer, modes.wasm.software]).toEqual(['wasm', '', false])
    expect([modes.cpu.backend, modes.cpu.renderer, modes.cpu.software]).toEqual(['cpu', '', false])
    expect(right(gpuBackend({ mode: 'wasm' })).backend).toBe('wasm')
  })

  it("refuses 'webgpu' (asynchronous in gpu.js) and unknown modes with a reason, instead of a TypeError later", () => {
    const webgpu = gpuBackend({ mode: 'webgpu' })
    expect(E.isLeft(webgpu) && webgpu.left).toMatchObject({ _tag: 'BackendUnavailable', backend: 'gpu' })
    expect(E.isLeft(webgpu) && webgpu.left.reason).toMatch(/asynchronous.*Promise.*'webgl2'/)
    const cuda = gpuBackend({ mode: 'cuda' as 'cpu' })
    expect(E.isLeft(cuda) && cuda.left.reason).toMatch(/unknown mode "cuda": expected one of webgl2, webgl/)
  })

  describe.each(['wasm', 'cpu'] as const)('%s kernels', (mode) => {
    const g = modes[mode]

    it('vector × matrix (M = 1) by hand: [1 2 3]·[[1 2] [3 4] [5 6]] = [22 28]', () => {
      expect([...g.matmul(new Float32Array([1, 2, 3]), new Float32Array([1, 2, 3, 4, 5, 6]), 1, 3, 2)]).toEqual([
        22, 28,
      ])
      // matrix × vector (N = 1) and 1×1: [[1 2 3] [4 5 6]]·[1 2 3] = [14 32]; [2]·[3] = [6]
      expect([...g.matmul(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([1, 2, 3]), 2, 3, 1)]).toEqual([
        14, 32,
      ])
      expect([...g.matmul(new Float32Array([2]), new Float32Array([3]), 1, 1, 1)]).toEqual([6])
    })

    it.each([
      [1, 1, 1],
      [1, 5, 7],
      [1, 64, 33],
      [7, 9, 1],
      [3, 5, 2],
      [33, 70, 17],
      [64, 64, 64],
    ])('matmul %i×%i·%i matches the TS reference (f32 tolerance)', (M, K, N) => {
      const a = rand(M * K, M + 3 * K)
      const b = rand(K * N, K + 5 * N)
      const [a0, b0] = [a.slice(), b.slice()]
      const got = g.matmul(a, b, M, K, N)
      const want = matmulTs(a, b, M, K, N)
      expect(got.length).toBe(M * N)
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * K)
      expect(a).toEqual(a0)
      expect(b).toEqual(b0)
    })

    it('elementwise kernels match the float32-rounded formula (length 1 too)', () => {
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
        const got = g.binary(op as keyof typeof ops, a, b)
        for (let i = 0; i < a.length; i++) expect(got[i]).toBeCloseTo(Math.fround(f(a[i]!, b[i]!)), 6)
      }
      const ax = g.axpy(0.5, a, b)
      for (let i = 0; i < a.length; i++) expect(Math.abs(ax[i]! - (0.5 * a[i]! + b[i]!))).toBeLessThan(1e-6)
      expect([...g.binary('mul', new Float32Array([3]), new Float32Array([4]))]).toEqual([12])
    })

    it('rejects mismatched sizes; empty products are zeros', () => {
      expect(() => g.matmul(new Float32Array(3), new Float32Array(3), 2, 2, 2)).toThrow(RangeError)
      expect(() => g.binary('add', new Float32Array(3), new Float32Array(2))).toThrow(RangeError)
      expect([...g.matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3)]).toEqual([0, 0, 0, 0, 0, 0])
    })
  })
})

// A stand-in for gpu.js in a browser: like gpu.js, it creates the WebGL context when the first kernel is created
// (not in the constructor), so a renderer check made before any kernel exists sees no context at all.
class GlKernel {
  static mode = 'gpu'
}
class CpuKernel {
  static mode = 'cpu'
}
interface FakeOptions {
  readonly renderer: string
  readonly webgl2?: boolean
  readonly kernelClass?: new () => KernelLike['kernel']
  readonly result?: (values: Float32Array) => unknown
}
function fakeGpu({ renderer, webgl2 = true, kernelClass = GlKernel, result }: FakeOptions) {
  const UNMASKED_RENDERER_WEBGL = 0x9246
  const gl = {
    getExtension: (name: string) => (name === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL } : null),
    getParameter: (p: number) => (p === UNMASKED_RENDERER_WEBGL ? renderer : null),
    ...(webgl2 ? { texStorage2D: () => undefined } : {}),
  }
  const fake = {
    context: null as unknown,
    destroyed: false,
    createKernel: (): KernelLike => {
      fake.context = gl
      const run = (a: unknown) => (result ?? ((x) => x.map((v) => v + 1)))(a as Float32Array)
      return Object.assign(run, { kernel: new kernelClass(), destroy: () => undefined })
    },
    destroy: () => {
      fake.destroyed = true
    },
  }
  return fake satisfies GpuLike
}

describe('gpuBackendOn: renderer and backend read after gpu.js created the context', () => {
  const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'
  const NVIDIA = 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 (0x00002206) Direct3D11 vs_5_0 ps_5_0, D3D11)'
  const g = globalThis as { document?: unknown }
  beforeEach(() => {
    g.document = {} // a browser: a GL context means WebGL (in Node it would be headless-gl)
  })
  afterEach(() => {
    delete g.document
  })

  it('refuses SwiftShader unless allowSoftware, and says how to accept it', () => {
    const fake = fakeGpu({ renderer: SWIFTSHADER })
    const r = gpuBackendOn(fake)
    expect(E.isLeft(r) && r.left.reason).toBe(
      `only a software renderer is available (${SWIFTSHADER}); it is slower than the CPU path ` +
        '(pass allowSoftware: true to use it anyway)',
    )
    expect(fake.destroyed).toBe(true)
    const ok = right(gpuBackendOn(fakeGpu({ renderer: SWIFTSHADER }), { allowSoftware: true }))
    expect([ok.backend, ok.renderer, ok.software]).toEqual(['webgl2', SWIFTSHADER, true])
  })

  it.each(['llvmpipe (LLVM 15.0.6, 256 bits)', 'Microsoft Basic Render Driver'])('refuses %s', (renderer) => {
    expect(E.isLeft(gpuBackendOn(fakeGpu({ renderer })))).toBe(true)
  })

  it('accepts a hardware renderer and tells WebGL2 from WebGL1', () => {
    const hw = right(gpuBackendOn(fakeGpu({ renderer: NVIDIA })))
    expect([hw.backend, hw.renderer, hw.software]).toEqual(['webgl2', NVIDIA, false])
    expect(right(gpuBackendOn(fakeGpu({ renderer: NVIDIA, webgl2: false }))).backend).toBe('webgl')
  })

  it('reports the kernel gpu.js fell back to (cpu), not the mode asked for', () => {
    expect(right(gpuBackendOn(fakeGpu({ renderer: NVIDIA, kernelClass: CpuKernel }))).backend).toBe('cpu')
  })

  it('refuses a mode whose kernels return Promises, and a probe with wrong values', () => {
    const async = gpuBackendOn(fakeGpu({ renderer: NVIDIA, result: (x) => Promise.resolve(x) }))
    expect(E.isLeft(async) && async.left.reason).toMatch(/asynchronously/)
    const wrong = gpuBackendOn(fakeGpu({ renderer: NVIDIA, result: (x) => x }))
    expect(E.isLeft(wrong) && wrong.left.reason).toBe('a probe kernel returned 1,2,3,4 instead of 2,3,4,5')
  })

  it('a kernel answering with rows (a 1-row matmul output) is flattened, with its length checked', () => {
    const rows = (n: number) =>
      fakeGpu({ renderer: NVIDIA, result: (x) => (x.length === 4 ? x.map((v) => v + 1) : [new Float32Array(n)]) })
    expect([...right(gpuBackendOn(rows(2))).binary('add', new Float32Array(2), new Float32Array(2))]).toEqual([0, 0])
    expect(() => right(gpuBackendOn(rows(3))).binary('add', new Float32Array(2), new Float32Array(2))).toThrow(
      'gpu.js returned 3 values where 2 were expected',
    )
  })
})
