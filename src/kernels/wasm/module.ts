/** The slice of the WebAssembly JS API used here (tsconfig's lib has no DOM/WebAssembly typings). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown }
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory
}

/** Exports of the compiled module (see assembly/kernels.ts for the contracts). Pointers are byte offsets. */
export interface KernelExports {
  readonly memory: WasmMemory
  readonly matmul: (
    a: number,
    b: number,
    c: number,
    ap: number,
    bp: number,
    M: number,
    K: number,
    N: number,
    transA: number,
    transB: number,
  ) => void
  readonly packA: (a: number, ap: number, M: number, K: number, transA: number, i0: number, i1: number) => void
  readonly packB: (b: number, bp: number, K: number, N: number, transB: number, j0: number, j1: number) => void
  readonly pack: (
    a: number,
    b: number,
    ap: number,
    bp: number,
    M: number,
    K: number,
    N: number,
    transA: number,
    transB: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
  ) => void
  readonly gemm: (
    ap: number,
    bp: number,
    c: number,
    bias: number,
    K: number,
    Np: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    relu: number,
  ) => void
  readonly adamw: (
    p: number,
    g: number,
    m: number,
    v: number,
    mOut: number,
    vOut: number,
    uOut: number,
    pOut: number,
    n: number,
    b1: number,
    b2: number,
    bc1: number,
    bc2: number,
    bc1n: number,
    eps: number,
    epsRoot: number,
    wd: number,
    s: number,
    applyWd: number,
    nesterov: number,
  ) => void
  /** Adds Σ x² of the n floats at `x` (n a multiple of 8) into the 8 float64 lanes at `lanes` (sumSquares.ts). */
  readonly sumSquareLanes: (x: number, n: number, lanes: number) => void
  /** out = x ≤ 0 ? +0 : x over n floats (n a multiple of 4; fusedLayer.ts). */
  readonly relu: (x: number, out: number, n: number) => void
  /** out = x ≤ 0 ? +0 : ct over n floats (n a multiple of 4; fusedLayer.ts). */
  readonly reluMask: (ct: number, x: number, out: number, n: number) => void
}

/** A kernel of the module by name: the functions the two threads can run (see shared.ts). */
export type KernelName = Exclude<keyof KernelExports, 'memory'>

export const PAGE = 65536

/** The engine's WebAssembly namespace, or undefined. */
export const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly

export function decode(b64: string): Uint8Array {
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
