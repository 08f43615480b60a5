import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import * as E from 'fp-ts/Either'
import { afterEach, describe, expect, it } from 'vitest'
import * as descent from '../../src/index'
import * as gpu from '../../src/gpu/index'
import { chooseMatmulKernel, gpuKernels, installGpuKernels } from '../../src/kernels/dispatch'
import type { GpuBackendKind, GpuKernels } from '../../src/kernels/gpuKernels'
import { wasmAvailable } from '../../src/kernels/wasm/index'

const src = resolve(__dirname, '../../src')

/** Every module `entry` loads (runtime and type imports: a .d.ts naming gpu.js types would need it too). */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const visit = (file: string) => {
    if (graph.has(file)) return
    const specs = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*?from\s+'([^']+)'/gm)].map(
      (m) => m[1]!,
    )
    graph.set(file, specs)
    for (const s of specs.filter((s) => s.startsWith('.'))) {
      const base = resolve(dirname(file), s)
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => {
        try {
          return readFileSync(f) !== undefined
        } catch {
          return false
        }
      })
      if (target === undefined) throw new Error(`${file}: ${s} does not resolve`)
      visit(target)
    }
  }
  visit(entry)
  return graph
}

const loadsGpuJs = (entry: string): string[] =>
  [...importGraph(join(src, entry))].filter(([, specs]) => specs.includes('gpu.js')).map(([f]) => f.slice(src.length))

describe('descent-ts/gpu is the only entry that loads gpu.js', () => {
  it('nothing the main entry or descent-ts/testing imports (also type-only) imports gpu.js', () => {
    expect(loadsGpuJs('index.ts')).toEqual([])
    expect(loadsGpuJs('testing/index.ts')).toEqual([])
  })

  it('descent-ts/gpu does, through src/kernels/gpu.ts alone (the scan finds what it looks for)', () => {
    expect(loadsGpuJs('gpu/index.ts')).toEqual(['/kernels/gpu.ts'])
  })

  it('exports exactly these runtime names', () => {
    expect(Object.keys(gpu).sort()).toEqual(['gpuBackend', 'gpuInfo', 'releaseGpu', 'useGpu'])
  })
})

describe('useGpu installs gpu.js kernels in the main entry’s dispatcher', () => {
  afterEach(() => {
    descent.setBackend('auto')
    gpu.releaseGpu()
  })

  it("setBackend('gpu') without useGpu() says to import it from descent-ts/gpu", () => {
    expect(gpu.gpuInfo()).toBeNull()
    expect(() => descent.setBackend('gpu')).toThrow(
      "setBackend('gpu'): the gpu.js kernels are not installed. Fix: `import { useGpu } from 'descent-ts/gpu'` and call useGpu() first",
    )
    expect(() => descent.withBackend('gpu', () => 1)).toThrow(/import \{ useGpu \} from 'descent-ts\/gpu'/)
    expect(descent.getBackend()).toBe('auto')
  })

  it("after useGpu(), setBackend('gpu') runs matmul and its gradient on gpu.js (M = 1 included)", () => {
    const info = gpu.useGpu()
    expect(info).toEqual(E.right({ backend: 'wasm', renderer: '', software: false }))
    expect(gpu.gpuInfo()).toEqual({ backend: 'wasm', renderer: '', software: false })
    descent.setBackend('gpu')
    // [1 2 3]·[[1 2] [3 4] [5 6]] = [22 28]; d/dx sum(x·B) = row sums of B = [3 7 11]
    const x = descent.tensor([[1, 2, 3]])
    const b = descent.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(descent.matmul(x, b).toArray()).toEqual([[22, 28]])
    expect(
      descent
        .grad((v: typeof x) => descent.ops.sum(descent.ops.matmul(v, b)))(x)
        .toArray(),
    ).toEqual([[3, 7, 11]])
  })

  it('a Left leaves the installed kernels in place; a new Right replaces them; releaseGpu removes them', () => {
    expect(E.isRight(gpu.useGpu({ mode: 'cpu' }))).toBe(true)
    const first = gpuKernels()
    expect(E.isLeft(gpu.useGpu({ mode: 'webgpu' }))).toBe(true)
    expect(gpuKernels()).toBe(first)
    expect(gpu.useGpu()).toEqual(E.right({ backend: 'wasm', renderer: '', software: false }))
    expect(gpuKernels()).not.toBe(first)
    descent.setBackend('gpu')
    expect(gpu.releaseGpu()).toBe(true)
    // The 'gpu' choice stays; with nothing installed the product runs on the CPU path.
    expect(descent.getBackend()).toBe('gpu')
    expect(descent.matmul(descent.tensor([[2]]), descent.tensor([[3]])).toArray()).toEqual([[6]])
    expect(gpu.releaseGpu()).toBe(false)
  })
})

describe("'auto' sends large matmuls to installed gpu.js kernels only on a hardware GPU", () => {
  const unused = () => {
    throw new Error('not called by chooseMatmulKernel')
  }
  const kernels = (backend: GpuBackendKind, software: boolean): GpuKernels => ({
    name: 'gpu',
    backend,
    renderer: software ? 'SwiftShader' : 'NVIDIA',
    software,
    matmul: unused,
    binary: unused,
    axpy: unused,
    destroy: () => undefined,
  })
  afterEach(() => {
    installGpuKernels(null)
    descent.setBackend('auto')
  })
  const cpu = () => (wasmAvailable() ? 'wasm' : 'ts')

  it.each([
    ['webgl2', false, 'gpu'],
    ['webgl', false, 'gpu'],
    ['webgl2', true, 'cpu'], // SwiftShader accepted with allowSoftware: still slower than the CPU path
    ['wasm', false, 'cpu'], // gpu.js's WebAssembly mode: descent's SIMD kernel is faster
    ['cpu', false, 'cpu'],
  ] as const)('%s (software: %s) at 256³: %s', (backend, software, want) => {
    installGpuKernels(kernels(backend, software))
    expect(chooseMatmulKernel(256, 256, 256)).toBe(want === 'gpu' ? 'gpu' : cpu())
    // Below the threshold the CPU path always wins; setBackend('gpu') sends every size to the installed kernels.
    expect(chooseMatmulKernel(64, 64, 64)).toBe(cpu())
    descent.setBackend('gpu')
    expect(chooseMatmulKernel(2, 2, 2)).toBe('gpu')
  })
})
