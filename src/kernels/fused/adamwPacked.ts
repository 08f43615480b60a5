import { outputF32 } from '../outputF32'
import { finishSquareLanes } from '../sumSquares'
import { type AdamwScalars, BASE, adamwAt, heap, wasmExports } from '../wasm/index'

/**
 * Most elements (all leaves together, each rounded up to a multiple of 4) a packed step takes: its five regions
 * (20 bytes an element, 320 KiB at most) stay cache-resident. A larger tree streams leaf by leaf, chunk by chunk
 * (wasm/index.ts adamwWasm), which keeps the scratch area small and can split a large leaf over two threads.
 */
export const PACKED_MAX = 16384

/** Options of {@link adamwPacked}. */
export interface AdamwPackedOptions {
  /** Also return u (the updates). @defaultValue false */
  readonly storeU?: boolean
  /** Also return [Σu², Σp′²] of every leaf (the bits of `sumSquares32` of u and p′). @defaultValue false */
  readonly squares?: boolean
  /** With `squares`: also Σg² of every leaf (the bits of `sumSquares32(g)`). @defaultValue false */
  readonly gradSquares?: boolean
}

/** The results of {@link adamwPacked}, per leaf: fresh views of one new buffer (none of them an input's). */
export interface AdamwPackedOut {
  readonly p: Float32Array[]
  readonly m: Float32Array[]
  readonly v: Float32Array[]
  /** Null unless `storeU`. */
  readonly u: Float32Array[] | null
  /** Leaf i's Σu², Σp′², Σg² at 3i, 3i + 1, 3i + 2 (Σg² only with `gradSquares`); null unless `squares`. */
  readonly squares: Float64Array | null
}

/**
 * @internal The pure fused Adam/AdamW step (p′ = p + u, see `adamwFusedTs`) over every leaf of a tree in one
 * call of the SIMD kernel, bit-identical to `adamwFused` leaf by leaf. For a small tree, the per-leaf costs
 * (three fresh arrays, seven copies and a kernel call or a TS loop per leaf) are most of the step: here the leaves are
 * copied into one packed layout of the module's memory (each leaf from a multiple of 4 elements), the kernel runs over
 * all of it in place, and p′, m′, v′ (and u) come back in one copy into one fresh buffer, whose views the results
 * are. When p, m, v are themselves the views this function returned (the last pure step's state, passed back), they
 * are copied in as one range. The elements between leaves (padding) are computed on whatever they hold and set to 0
 * in the output, so no stale byte is observable through `.buffer`. Every element goes through the kernel's own
 * instructions, which the TS kernel matches bit for bit lane by lane (the host runs no scalar tail: every leaf starts
 * and is padded to a multiple of 4 elements), and each leaf's sums of
 * squares are its own 8 float64 lanes filled by the SIMD `sumSquareLanes` over the leaf, then its last n mod 8
 * squares in order: the bits of `sumSquares32`. Inputs are never written. Null where WebAssembly SIMD is unavailable.
 */
export function adamwPacked(
  ps: readonly Float32Array[],
  gs: readonly Float32Array[],
  ms: readonly Float32Array[],
  vs: readonly Float32Array[],
  c: AdamwScalars,
  options: AdamwPackedOptions = {},
): AdamwPackedOut | null {
  const k = wasmExports()
  if (k === null) return null
  const count = gs.length
  const at: number[] = [0]
  for (let i = 0; i < count; i++) {
    const n = gs[i]!.length
    if (ps[i]!.length !== n || ms[i]!.length !== n || vs[i]!.length !== n) {
      const got = `p ${ps[i]!.length}, g ${n}, m ${ms[i]!.length}, v ${vs[i]!.length}`
      throw new RangeError(`adamwPacked: leaf ${i}: lengths differ (${got})`)
    }
    at.push(at[i]! + ((n + 3) & ~3))
  }
  const N = at[count]!
  const storeU = options.storeU === true
  const sq = options.squares === true
  const sqG = sq && options.gradSquares === true
  // Regions of N floats from BASE: P, M, V, U (the kernel writes p′, m′, v′ over p, m, v: it reads each element
  // before it writes it), so that the outputs are one range; then G, then 24 float64 lanes per leaf.
  const f = heap(k, 5 * N * 4 + (sq ? count * 24 * 8 : 0))
  const [P, M, V, U, G] = [0, 1, 2, 3, 4].map((j) => BASE / 4 + j * N) as [number, number, number, number, number]
  const packed = packedSource(ps, ms, vs, at)
  if (packed !== null) f.set(packed, P)
  for (let i = 0; i < count; i++) {
    if (packed === null) {
      f.set(ps[i]!, P + at[i]!)
      f.set(ms[i]!, M + at[i]!)
      f.set(vs[i]!, V + at[i]!)
    }
    f.set(gs[i]!, G + at[i]!)
  }
  adamwAt(k, P * 4, G * 4, M * 4, V * 4, M * 4, V * 4, storeU || sq ? U * 4 : 0, P * 4, N, c)
  let squares: Float64Array | null = null
  if (sq) {
    const lanesAt = BASE + 5 * N * 4
    const lanes = new Float64Array(k.memory.buffer, lanesAt, count * 24)
    lanes.fill(0)
    squares = new Float64Array(3 * count)
    for (let i = 0; i < count; i++) {
      const n = gs[i]!.length
      const n8 = n - (n % 8)
      const [u, p, g, la] = [U + at[i]!, P + at[i]!, G + at[i]!, i * 24]
      k.sumSquareLanes(u * 4, n8, lanesAt + la * 8)
      k.sumSquareLanes(p * 4, n8, lanesAt + la * 8 + 64)
      squares[3 * i] = finishSquareLanes(lanes.subarray(la, la + 8), f, u + n8, u + n)
      squares[3 * i + 1] = finishSquareLanes(lanes.subarray(la + 8, la + 16), f, p + n8, p + n)
      if (sqG) {
        k.sumSquareLanes(g * 4, n8, lanesAt + la * 8 + 128)
        squares[3 * i + 2] = finishSquareLanes(lanes.subarray(la + 16, la + 24), f, g + n8, g + n)
      }
    }
  }
  // Every element of `out` is written: the copy, then 0 over the padding.
  const regions = storeU ? 4 : 3
  const out = outputF32(regions * N)
  out.set(f.subarray(P, P + regions * N))
  const views = (r: number): Float32Array[] => {
    const vs: Float32Array[] = []
    for (let i = 0; i < count; i++) {
      const lo = r * N + at[i]!
      const n = gs[i]!.length
      if (lo + n < r * N + at[i + 1]!) out.fill(0, lo + n, r * N + at[i + 1]!)
      vs.push(out.subarray(lo, lo + n))
    }
    return vs
  }
  return { p: views(0), m: views(1), v: views(2), u: storeU ? views(3) : null, squares }
}

/**
 * The P, M, V regions as one array when p, m, v are views of one buffer at exactly the packed layout (what
 * {@link adamwPacked} returned last), else null. Whatever made them, the range then holds every leaf where the
 * per-leaf copies would put it (and only padding besides).
 */
function packedSource(
  ps: readonly Float32Array[],
  ms: readonly Float32Array[],
  vs: readonly Float32Array[],
  at: readonly number[],
): Float32Array | null {
  if (ps.length === 0) return null
  const b = ps[0]!.buffer
  const o = ps[0]!.byteOffset
  const N = at[at.length - 1]!
  if (o % 4 !== 0 || b.byteLength < o + 3 * N * 4) return null
  for (let i = 0; i < ps.length; i++) {
    const x = o + at[i]! * 4
    if (ps[i]!.buffer !== b || ms[i]!.buffer !== b || vs[i]!.buffer !== b) return null
    if (ps[i]!.byteOffset !== x || ms[i]!.byteOffset !== x + N * 4 || vs[i]!.byteOffset !== x + 2 * N * 4) return null
  }
  return new Float32Array(b, o, 3 * N)
}
