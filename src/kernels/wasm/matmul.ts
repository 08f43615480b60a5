import type { KernelExports } from './module'
import { SPLIT_MIN_MACS, type SharedKernels, outputAheadF32, sharedKernels } from './shared'

/** Options of {@link matmulWasm}. */
export interface MatmulOptions {
  /** Read `a` as the transpose of a stored K×M matrix. */
  readonly transA?: boolean
  /** Read `b` as the transpose of a stored N×K matrix. */
  readonly transB?: boolean
  /** Epilogue: add `bias` (N values) to every row of the product, in float32, after the sum is complete. */
  readonly bias?: Float32Array | undefined
  /** Epilogue: then `x ≤ 0 ? +0 : x` (ReLU as `where(x ≤ 0, 0, x)`: NaN stays NaN). */
  readonly relu?: boolean | undefined
  /**
   * 1: the product on this thread only; 2: two threads whenever the worker is up (tests, benchmarks); default: two
   * from SPLIT_MIN_MACS multiply-adds, backing off to one for a while after a call where the worker was late. Either
   * way a result from FRESH_MIN_BYTES comes with its pages written by the worker where it is up (outputAheadF32).
   */
  readonly threads?: 1 | 2 | undefined
}

/** Where one product runs: an instance, its memory, and a scratch area of the requested size. */
interface Site {
  readonly k: KernelExports
  readonly f32: () => Float32Array
  /** Two threads over the same memory, when the product is worth splitting. */
  readonly parallel: SharedKernels['parallel'] | null
  /** Byte offset of the scratch area. */
  readonly at: number
  readonly release: () => void
}

/** The module with its own memory (no SharedArrayBuffer): one thread, scratch from `base` up. */
export interface OwnMemory {
  readonly k: KernelExports
  /** Grows the memory to hold `bytes` past `base` and returns a view of all of it. */
  readonly heap: (bytes: number) => Float32Array
  readonly base: number
}

function site(bytes: number, macs: number, threads: 1 | 2 | undefined, own: () => OwnMemory): Site {
  // Only a product split over two threads runs in the shared memory. One on this thread runs in the module's own
  // memory (the same kernel, the same bits): the engine copies into a shared buffer with a relaxed word-by-word
  // loop, several times the cost of the memcpy into an unshared one, and the operands are copied in on every call.
  if (threads !== 1 && (threads === 2 || macs >= SPLIT_MIN_MACS)) {
    const s = sharedKernels()
    if (s !== null && s.threads() === 2) {
      const at = s.alloc(bytes)
      return { k: s.exports, f32: s.f32, parallel: s.parallel, at, release: () => s.free(at) }
    }
  }
  const o = own()
  const view = o.heap(bytes)
  return { k: o.k, f32: () => view, parallel: null, at: o.base, release: () => {} }
}

/**
 * Below this many multiply-adds a split product is one job: this thread packs while the worker wakes up, and each
 * part is posted as soon as what it reads is packed. From it, two jobs (both threads pack, then both multiply): the
 * packing, which grows like the operands, is worth splitting too. On the 2-vCPU bench machine the MLP 784-256-10
 * trainStep (two products of 2.6·10⁷) took 0.960–0.992× the time of two jobs back to back, 0.949–0.977× with 30 ms of
 * one-core work between steps and 0.994–1.022× after 20 ms sleeps (bench/ab-tree-mlp.ts; docs/performance.md, Round 6).
 */
export const ONE_JOB_MAX_MACS = 1 << 27

/** Rows of C at least this wide are copied out with one `set` each, narrower ones element by element. */
const ROW_SET_MIN = 64

const align4 = (floats: number): number => Math.ceil(floats / 4) * 4

/**
 * C = op(A)·op(B) (+ bias, then ReLU) through the SIMD kernels, on two threads over shared memory when the product
 * is large enough (and the environment has them), else on this thread; bit-identical either way.
 */
export function matmulSimd(
  a: Float32Array,
  b: Float32Array,
  M: number,
  K: number,
  N: number,
  options: MatmulOptions,
  own: () => OwnMemory,
  out?: Float32Array,
): Float32Array {
  const Mp = (M + 3) & ~3
  const Np = (N + 7) & ~7
  const epilogue = options.bias !== undefined || options.relu === true
  const oa = 0
  const ob = oa + align4(M * K)
  const oc = ob + align4(K * N)
  const oap = oc + align4(Mp * Np)
  const obp = oap + align4(Mp * K)
  const oz = obp + align4(K * Np)
  const end = oz + (epilogue ? Np : 0)
  const s = site(end * 4, M * K * N, options.threads, own)
  const force = options.threads === 2
  try {
    const f = s.f32()
    const base = s.at / 4
    const ptr = (floats: number) => s.at + floats * 4
    f.set(a, base + oa)
    f.set(b, base + ob)
    if (epilogue) {
      if (options.bias !== undefined) f.set(options.bias, base + oz)
      f.fill(0, base + oz + (options.bias === undefined ? 0 : N), base + oz + Np)
    }
    const tA = options.transA ? 1 : 0
    const tB = options.transB ? 1 : 0
    const bias = epilogue ? ptr(oz) : 0
    const relu = options.relu ? 1 : 0
    if (s.parallel === null) {
      // Direct calls: a spread argument list sends each call through the engine's generic JS-to-wasm path.
      s.k.pack(ptr(oa), ptr(ob), ptr(oap), ptr(obp), M, K, N, tA, tB, 0, Mp, 0, Np)
      s.k.gemm(ptr(oap), ptr(obp), ptr(oc), bias, K, Np, 0, Mp, 0, Np, relu)
    } else {
      const gemmArgs = [ptr(oap), ptr(obp), ptr(oc), bias, K, Np] as const
      const oneJob = M * K * N < ONE_JOB_MAX_MACS
      // Parts on panel boundaries (4 rows, 8 columns), claimed by either thread: by rows or by columns. Two jobs cut
      // by rows (by columns when there are too few rows for two threads). One job cuts the dimension whose operand
      // is the larger (the smaller is packed whole before part 0 is posted, the larger part by part).
      const byRows = Mp >= 16 && (!oneJob || Np < 16 || M * K > K * N)
      const count = Math.max(2, Math.min(8, (byRows ? Mp / 4 : Np / 8) >> 2))
      // Boundary i of `count` parts of [0, total) in whole panels of `unit`.
      const at = (i: number, total: number, unit: number) => Math.round((i * total) / unit / count) * unit
      const rows = (i: number) => [at(i, Mp, 4), at(i + 1, Mp, 4)] as const
      const cols = (i: number) => [at(i, Np, 8), at(i + 1, Np, 8)] as const
      const parts = Array.from({ length: count }, (_, i) =>
        byRows ? [...gemmArgs, ...rows(i), 0, Np, relu] : [...gemmArgs, 0, Mp, ...cols(i), relu],
      )
      if (oneJob) {
        const k = s.k
        // Direct calls (a spread argument list takes the engine's generic JS-to-wasm path).
        const prepare = byRows
          ? (i: number) => {
              if (i === 0) k.packB(ptr(ob), ptr(obp), K, N, tB, 0, Np)
              const [i0, i1] = rows(i)
              k.packA(ptr(oa), ptr(oap), M, K, tA, i0, i1)
            }
          : (i: number) => {
              if (i === 0) k.packA(ptr(oa), ptr(oap), M, K, tA, 0, Mp)
              const [j0, j1] = cols(i)
              k.packB(ptr(ob), ptr(obp), K, N, tB, j0, j1)
            }
        s.parallel('gemm', parts, force, undefined, prepare)
      } else {
        const packArgs = [ptr(oa), ptr(ob), ptr(oap), ptr(obp), M, K, N, tA, tB] as const
        const packParts = Array.from({ length: count }, (_, i) => [...packArgs, ...rows(i), ...cols(i)])
        s.parallel('pack', packParts, force)
        s.parallel('gemm', parts, force)
      }
    }

    // Every element is copied in below, so a fresh result need not be zero-filled first.
    const result = out ?? outputAheadF32(M * N)
    const view = s.f32()
    const c = base + oc
    if (Np === N) result.set(view.subarray(c, c + M * N))
    else if (N >= ROW_SET_MIN) for (let i = 0; i < M; i++) result.set(view.subarray(c + i * Np, c + i * Np + N), i * N)
    // Narrow rows (a 10-class head): an element loop, where a subarray view and a set call per row cost more.
    else for (let i = 0, o = 0; i < M; i++) for (let j = c + i * Np, e = j + N; j < e; j++) result[o++] = view[j]!
    return result
  } finally {
    s.release()
  }
}
