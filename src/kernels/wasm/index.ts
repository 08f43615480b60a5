import { adamwFusedTs } from '../fused/adamwFusedTs'
import { finishSquareLanes } from '../sumSquares'
import { KERNELS_WASM_BASE64 } from './kernelsWasm'
import { adamwWorkerShare, workerShareStart } from './adamwSplit'
import { type MatmulOptions, matmulSimd } from './matmul'
import { type KernelExports, PAGE, type WasmApi, decode, wasmApi } from './module'
import { sharedKernels } from './shared'

export type { MatmulOptions } from './matmul'
export type { KernelExports, WasmMemory } from './module'
export { PAGE } from './module'

/** @internal First byte the JS side lays buffers out from (the module has no data of its own; 0 means "none"). */
export const BASE = 65536

// Kernel cache (allowed module-level state): the compiled module and its first instance, made once on first use and
// never changed after; every caller gets the same immutable exports. Arenas make their own instances from `module`.
let instance: { readonly api: WasmApi; readonly module: object; readonly exports: KernelExports } | null | undefined

function compile(): typeof instance {
  if (instance !== undefined) return instance
  try {
    const api = wasmApi()
    if (api === undefined) return (instance = null)
    // Synchronous compile: the module is ~2 KB, under every engine's limit for sync compilation on the main thread.
    // An engine without SIMD rejects the module here, and the TS kernels take over.
    const module = new api.Module(decode(KERNELS_WASM_BASE64))
    instance = { api, module, exports: new api.Instance(module, {}).exports as KernelExports }
  } catch {
    instance = null
  }
  return instance
}

/** @internal The instantiated SIMD module, or null where WebAssembly SIMD is unavailable. Compiled once, lazily. */
export function wasmExports(): KernelExports | null {
  return compile()?.exports ?? null
}

/**
 * @internal A new instance of the kernel module, with a linear memory of its own (for buffers that live in wasm
 * memory across calls, see arena.ts), or null where WebAssembly SIMD is unavailable.
 */
export function newKernelInstance(): KernelExports | null {
  const c = compile()
  if (c === null || c === undefined) return null
  return new c.api.Instance(c.module, {}).exports as KernelExports
}

/** True when the SIMD WebAssembly kernels can run here. */
export const wasmAvailable = (): boolean => wasmExports() !== null

/** @internal Grows the module's memory to hold `bytes` bytes past BASE; returns a fresh Float32Array view of all of it. */
export function heap(k: KernelExports, bytes: number): Float32Array {
  const need = BASE + bytes
  // `memory.buffer` is a call into the engine's API (not a field load): read once unless the memory grows.
  let buffer = k.memory.buffer
  if (need > buffer.byteLength) {
    k.memory.grow(Math.ceil((need - buffer.byteLength) / PAGE))
    buffer = k.memory.buffer
  }
  return new Float32Array(buffer)
}

/** @internal Elements per chunk of the streamed fused kernels (a multiple of 4). */
export const CHUNK = 8192

/**
 * C = op(A)·op(B) for row-major float32 matrices, op(A) M×K and op(B) K×N, through the SIMD kernel; with the
 * `bias` / `relu` options, C = relu(op(A)·op(B) + bias) with the bias (N values) broadcast over rows, fused in the
 * kernel's epilogue (bit-identical to the product followed by a float32 bias add and `where(x ≤ 0, 0, x)`).
 * Runs on two threads over shared memory from SPLIT_MIN_MACS multiply-adds where the environment has them
 * (see wasm/shared.ts; `threads: 1` or DESCENT_THREADS=1 forces one), bit-identical to one thread.
 * Inputs are copied into the module's memory (never written); the result is a fresh M×N Float32Array, or `out`.
 * Every product is summed from +0 in float32 with IEEE semantics (no zero skipping: NaN and ±Infinity propagate,
 * 0·∞ = NaN, subnormals are kept). Float32 accumulation differs from the float64 TS reference by rounding, and a
 * float32 product or partial sum can overflow to ±Infinity where the float64 sum stays finite.
 */
export function matmulWasm(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  options: MatmulOptions = {},
  out?: Float32Array,
): Float32Array {
  const k = wasmExports()
  if (k === null) throw new Error('matmulWasm: WebAssembly SIMD is not available')
  if (a.length !== M * K || b.length !== K * N) {
    throw new RangeError(`matmulWasm: sizes ${a.length} and ${b.length} do not match ${M}×${K} · ${K}×${N}`)
  }
  if (options.bias !== undefined && options.bias.length !== N) {
    throw new RangeError(`matmulWasm: bias has ${options.bias.length} values, expected N = ${N}`)
  }
  return matmulSimd(a, b, M, K, N, options, () => ({ k, heap: (bytes) => heap(k, bytes), base: BASE }), out)
}

/** Host-side (float64) scalars of one fused Adam/AdamW step; see {@link adamwFusedTs} for the formula. */
export interface AdamwScalars {
  readonly b1: number
  readonly b2: number
  /** 1 − b1ᵗ */
  readonly bc1: number
  /** 1 − b2ᵗ */
  readonly bc2: number
  /** 1 − b1ᵗ⁺¹ (nesterov only) */
  readonly bc1Next: number
  readonly eps: number
  readonly epsRoot: number
  /** Weight-decay rate at this step; applied when `applyWd`. */
  readonly wd: number
  readonly applyWd: boolean
  /** The final scale: −learning rate at this step. */
  readonly s: number
  readonly nesterov: boolean
}

/** Output buffers of a fused step; `p` is optional (the update is then not applied). */
export interface AdamwOut {
  readonly m: Float32Array
  readonly v: Float32Array
  readonly u: Float32Array
  readonly p?: Float32Array | undefined
}

/**
 * The fused Adam/AdamW step through the SIMD kernel (the direction in f32x4, the decay and scale in f64x2:
 * assembly/kernels.ts), bit-identical to {@link adamwFusedTs}.
 * Reads p, g, m, v (copied into the module's memory, never written) and writes m′, v′, u (and p′ = p + u when
 * `out.p` is given) into `out`; with `storeU` false, u is not written (but for the scalar tail: its last n mod 4
 * elements). With `squares` (and `out.p`), also sets `squares` to [Σu², Σp′²], summed from each chunk while it is
 * still in wasm memory and cache, by the SIMD `sumSquareLanes` (the float64 lanes of {@link sumSquares32}: the same
 * bits as `sumSquares32(u)`, `sumSquares32(p′)`), so the step's norms cost no second pass over memory and u need not
 * be copied out; a third entry in `squares` receives Σg² (the bits of `sumSquares32(g)`) the same way, from each
 * chunk of g as it is copied in.
 * With `threads: 2` (and the worker up: wasm/shared.ts), the worker thread takes about the second half over the
 * shared pool ({@link adamwWorkerShare}), from 16 elements and even after a late worker, bit-identical to one thread.
 * Not the default: on the loaded 2-vCPU bench machine the split step was slower than one thread at every size tried
 * (bench/ab-threads-adam-pure.ts; this thread still copies every element in and out, and the worker's half runs over
 * a region that is not cache-resident), and no quiet run has shown a gain yet (docs/performance.md, round 3).
 */
export function adamwWasm(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: AdamwScalars,
  out: AdamwOut,
  storeU = true,
  squares?: Float64Array,
  threads?: 1 | 2,
): void {
  const k = wasmExports()
  if (k === null) throw new Error('adamwWasm: WebAssembly SIMD is not available')
  const n = g.length
  const n4 = n & ~3
  const n8 = n - (n % 8)
  // The shared module (compiled once, a shared memory reserved) only when two threads are asked for.
  const s = threads === 2 && n4 >= 16 ? sharedKernels() : null
  const split = s !== null && s.threads() === 2 ? s : null
  // This thread's share: [0, h); the worker's, when split: [h, n4).
  const h = split !== null ? workerShareStart(n4) : n4
  // Streamed in chunks through a small scratch area (8 arrays × CHUNK floats = 256 KiB, L2-resident), so the module's
  // memory stays small and the kernel reads what the copy-in just brought into cache.
  const chunk = Math.min(CHUNK, h)
  const withP = out.p !== undefined
  const sq = squares !== undefined && withP
  const sqG = sq && squares.length > 2
  // The last n mod 8 values of u, p′ and g (summed in order after the lanes): from the last chunk, then the scalar
  // tail.
  const tailU: number[] = []
  const tailP: number[] = []
  const tailG: number[] = []
  // Past the 8 chunk slots: the 8 + 8 (+ 8) float64 lanes of Σu², Σp′² (and Σg²), zeroed here.
  const laneCount = sq ? (sqG ? 24 : 16) : 0
  const f = heap(k, 8 * chunk * 4 + laneCount * 8)
  const lanesAt = BASE + 8 * chunk * 4
  f.fill(0, lanesAt / 4, lanesAt / 4 + 2 * laneCount)
  const base = BASE / 4
  const slot = (i: number) => base + i * chunk
  const at = (i: number) => BASE + i * chunk * 4
  const own = (): void => {
    for (let lo = 0; lo < h; lo += chunk) {
      const len = Math.min(chunk, h - lo)
      const hi = lo + len
      f.set(p.subarray(lo, hi), slot(0))
      f.set(g.subarray(lo, hi), slot(1))
      f.set(m.subarray(lo, hi), slot(2))
      f.set(v.subarray(lo, hi), slot(3))
      const uAt = storeU || sq ? at(6) : 0
      adamwAt(k, at(0), at(1), at(2), at(3), at(4), at(5), uAt, withP ? at(7) : 0, len, c)
      out.m.set(f.subarray(slot(4), slot(4) + len), lo)
      out.v.set(f.subarray(slot(5), slot(5) + len), lo)
      if (storeU) out.u.set(f.subarray(slot(6), slot(6) + len), lo)
      if (out.p !== undefined) out.p.set(f.subarray(slot(7), slot(7) + len), lo)
      if (sq) {
        // lo is a multiple of 8 (chunk is CHUNK, or the whole share in one chunk), so lane k gets the elements ≡ k
        // mod 8.
        const blocks = Math.max(0, Math.min(hi, n8) - lo)
        k.sumSquareLanes(at(6), blocks, lanesAt)
        k.sumSquareLanes(at(7), blocks, lanesAt + 64)
        for (let i = slot(6) + blocks; i < slot(6) + len; i++) tailU.push(f[i]!)
        for (let i = slot(7) + blocks; i < slot(7) + len; i++) tailP.push(f[i]!)
        if (sqG) {
          k.sumSquareLanes(at(1), blocks, lanesAt + 128)
          for (let i = slot(1) + blocks; i < slot(1) + len; i++) tailG.push(f[i]!)
        }
      }
    }
  }
  const lanes = () => new Float64Array(k.memory.buffer, lanesAt, laneCount)
  if (split !== null) {
    const sums = sq ? { lanes, tailU, tailP, tailG: sqG ? tailG : null, n8 } : null
    adamwWorkerShare(split, p, g, m, v, c, out, h, n4, storeU, sums, own, threads === 2)
  } else own()
  // Scalar tail: the same arithmetic as the SIMD loop.
  if (n4 < n) adamwFusedTs(p, g, m, v, c, out, n4, n)
  if (sq) {
    const pOut = out.p!
    for (let i = n4; i < n; i++) {
      tailU.push(out.u[i]!)
      tailP.push(pOut[i]!)
      tailG.push(g[i]!)
    }
    const l = lanes()
    squares[0] = finishSquareLanes(l.subarray(0, 8), tailU, 0, tailU.length)
    squares[1] = finishSquareLanes(l.subarray(8, 16), tailP, 0, tailP.length)
    if (sqG) squares[2] = finishSquareLanes(l.subarray(16, 24), tailG, 0, tailG.length)
  }
}

/**
 * @internal One call of the SIMD Adam/AdamW kernel on byte offsets into `k`'s own memory (`uOut` or `pOut` 0: u or p′
 * not stored);
 * `n` must be a multiple of 4. Outputs may be the inputs themselves (each element is read before it is written).
 */
export function adamwAt(
  k: KernelExports,
  p: number,
  g: number,
  m: number,
  v: number,
  mOut: number,
  vOut: number,
  uOut: number,
  pOut: number,
  n: number,
  c: AdamwScalars,
): void {
  k.adamw(
    p,
    g,
    m,
    v,
    mOut,
    vOut,
    uOut,
    pOut,
    n,
    c.b1,
    c.b2,
    c.bc1,
    c.bc2,
    c.bc1Next,
    c.eps,
    c.epsRoot,
    c.wd,
    c.s,
    c.applyWd ? 1 : 0,
    c.nesterov ? 1 : 0,
  )
}
