import type { AdamwOut, AdamwScalars } from './index'
import type { SharedKernels } from './shared'

/** At most this many parts of the worker's share, of at least PART_MIN elements each. */
const WORKER_PARTS = 4
const PART_MIN = 16384

/**
 * @internal The bounds of the parts the worker's share of `len` elements is cut into (multiples of 4, from 0 to len):
 * up to {@link WORKER_PARTS} parts of at least {@link PART_MIN} elements, each claimable once its inputs are copied in,
 * so that a worker descheduled mid-part holds the other thread up for one part at most. Used by the pure step here
 * and by the donated step in an arena (fused/adamwArena.ts).
 */
export function workerPartBounds(len: number): number[] {
  const count = Math.max(1, Math.min(WORKER_PARTS, Math.floor(len / PART_MIN)))
  return Array.from({ length: count + 1 }, (_, j) => Math.round((j * len) / count / 4) * 4)
}

/** @internal The `adamw` kernel's scalar arguments after `n`, in its order (as {@link adamwAt} passes them). */
export const adamwScalarArgs = (c: AdamwScalars): number[] => [
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
]

/**
 * @internal Where a pure fused Adam step over n4 elements (a multiple of 4) hands the worker thread its share
 * [h, n4): about the second half, from a multiple of 8 (so that the float64 square lanes, element i in lane i mod 8,
 * continue across the boundary).
 */
export const workerShareStart = (n4: number): number => Math.floor(n4 / 16) * 8

/**
 * The sums of squares of a split step: 16 float64 lanes (Σu², Σp′²) or 24 (and Σg²) to continue, and the n mod 8
 * tail values.
 */
export interface SplitSquares {
  /** The lanes after this thread's share (read once `ownShare` has run, written back continued). */
  readonly lanes: () => Float64Array
  readonly tailU: number[]
  readonly tailP: number[]
  /** Null when Σg² is not asked for (16 lanes). */
  readonly tailG: number[] | null
  /** n − n mod 8: from here on values go to the tails instead of the lanes. */
  readonly n8: number
}

/**
 * @internal The pure fused Adam/AdamW step (wasm/index.ts adamwWasm) on two threads: the worker runs elements
 * [h, n4) in up to 4 parts over a region of the shared pool (p, g, m, v copied in part by part, each part claimable
 * as soon as it is there; m′, v′, p′ written in place over m, v, p: the kernel reads each element before it writes
 * it; u in a slot of its own, so that g is still there to be summed), while this thread runs `ownShare` ([0, h), chunk by chunk in its own memory) and then any part the
 * worker has not claimed. The worker's results are then copied into `out`, and with `squares` its u and p′ (and g)
 * are summed into the lanes after this thread's (the SIMD `sumSquareLanes` over the region, in element order). Every
 * element goes through the same instructions as on one thread, and the lanes add the same values in the same order,
 * so the outputs and the sums are bit-identical to one thread's. `force`: split even after a late worker (tests).
 */
export function adamwWorkerShare(
  s: SharedKernels,
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  c: AdamwScalars,
  out: AdamwOut,
  h: number,
  n4: number,
  storeU: boolean,
  squares: SplitSquares | null,
  ownShare: () => void,
  force: boolean,
): void {
  const len = n4 - h
  const withP = out.p !== undefined
  const withU = storeU || squares !== null
  // Slots P, G, M, V, U of len floats (len is a multiple of 4: each starts 16-byte aligned), then the float64 lanes.
  const laneCount = squares === null ? 0 : squares.tailG === null ? 16 : 24
  const base = s.alloc(len * 20 + laneCount * 8)
  try {
    const [P, G, M, V, U] = [0, 1, 2, 3, 4].map((i) => base + i * len * 4) as [number, number, number, number, number]
    const bounds = workerPartBounds(len)
    const scalars = adamwScalarArgs(c)
    const parts = bounds.slice(0, -1).map((lo, j) => {
      const o = lo * 4
      const [pp, gp, mp, vp] = [P + o, G + o, M + o, V + o]
      return [pp, gp, mp, vp, mp, vp, withU ? U + o : 0, withP ? pp : 0, bounds[j + 1]! - lo, ...scalars]
    })
    const prepare = (j: number): void => {
      const f = s.f32()
      const [lo, hi] = [bounds[j]!, bounds[j + 1]!]
      f.set(p.subarray(h + lo, h + hi), P / 4 + lo)
      f.set(g.subarray(h + lo, h + hi), G / 4 + lo)
      f.set(m.subarray(h + lo, h + hi), M / 4 + lo)
      f.set(v.subarray(h + lo, h + hi), V / 4 + lo)
    }
    s.parallel('adamw', parts, force, ownShare, prepare)
    const f = s.f32()
    const region = (at: number) => f.subarray(at / 4, at / 4 + len)
    out.m.set(region(M), h)
    out.v.set(region(V), h)
    if (withP) out.p!.set(region(P), h)
    if (storeU) out.u.set(region(U), h)
    if (squares !== null && withP) {
      const at = base + len * 20
      const lanes = new Float64Array(s.memory.buffer, at, laneCount)
      lanes.set(squares.lanes())
      const blocks = Math.max(0, Math.min(n4, squares.n8) - h)
      s.exports.sumSquareLanes(U, blocks, at)
      s.exports.sumSquareLanes(P, blocks, at + 64)
      if (squares.tailG !== null) s.exports.sumSquareLanes(G, blocks, at + 128)
      squares.lanes().set(lanes)
      for (let i = blocks; i < len; i++) {
        squares.tailU.push(f[U / 4 + i]!)
        squares.tailP.push(f[P / 4 + i]!)
        squares.tailG?.push(f[G / 4 + i]!)
      }
    }
  } finally {
    s.free(base)
  }
}
