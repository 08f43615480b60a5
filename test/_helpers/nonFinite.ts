/**
 * Helpers of the non-finite property suites (test/kernels/nonFinite*.test.ts, test/grad/nonFinite*.test.ts):
 * arrays with NaN, ±Infinity, ±0 and subnormals at random positions, and a comparison against a float64 reference
 * that checks the IEEE class of every element exactly (NaN, +∞, −∞, and the sign of a zero) and finite values
 * within a tolerance.
 */
import { fc } from '@fast-check/vitest'

/** The values the issue names: NaN, ±Infinity, ±0 and float32 subnormals (and the smallest normal). */
export const SPECIALS: readonly number[] = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  Math.fround(1e-40),
  Math.fround(-3e-39),
  Math.fround(1.4e-45),
  Math.fround(1.1754944e-38),
]

/** Finite values near the float32 limits, for element-wise ops whose reference rounds exactly like the kernel. */
export const EXTREMES: readonly number[] = [Math.fround(3e38), Math.fround(-3.4e38), Math.fround(1e30)]

/** How an array is filled: a PRNG seed, the fraction of special values, and which specials may appear. */
export interface Fill {
  readonly seed: number
  readonly density: number
  readonly pool: readonly number[]
}

/** A fill with specials at random positions; `pool` defaults to {@link SPECIALS}. */
export const fillArb = (pool: readonly number[] = SPECIALS): fc.Arbitrary<Fill> =>
  fc.record({
    seed: fc.integer({ min: 1, max: 0x7ffffffe }),
    density: fc.constantFrom(0, 0.02, 0.2, 0.6, 1),
    // Any subset of the pool, or one of the small pools where order matters most (ties of ±0, ∞ − ∞, lone NaN).
    pool: fc.oneof(
      fc.subarray([...pool], { minLength: 1 }),
      fc.constantFrom<readonly number[]>([0, -0], [-0], [0, -0, -Infinity], [Infinity, -Infinity], [NaN]),
    ),
  })

/**
 * An array of `n` values: each position is, with probability `density`, one of `pool`, else a finite value in
 * [−4, 4] (float32-representable, so that both dtypes see the same numbers). Deterministic in `fill.seed`.
 */
export function filled(n: number, fill: Fill, dtype: 'float32' | 'float64' = 'float32'): Float32Array | Float64Array {
  let x = fill.seed >>> 0 || 1
  const next = () => {
    // xorshift32
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 4294967296
  }
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)
  for (let i = 0; i < n; i++) {
    out[i] =
      next() < fill.density
        ? fill.pool[Math.floor(next() * fill.pool.length)]!
        : Math.fround(Math.round((next() * 8 - 4) * 64) / 64 + next() / 1024)
  }
  return out
}

/** Rounds a float64 reference value to the output dtype. */
export const roundTo = (dtype: 'float32' | 'float64', v: number): number => (dtype === 'float32' ? Math.fround(v) : v)

const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v))

/** Options of {@link expectIeee}. */
export interface IeeeCheck {
  /** Allowed |got − want| at a finite element; 0 (the default) demands the same value. */
  readonly tol?: number | ((i: number) => number)
  /** Check the sign of a zero (when both are zero). @defaultValue true */
  readonly zeroSign?: boolean
}

/**
 * Throws unless `got[i]` and `want[i]` have the same IEEE class for every i: both NaN, the same infinity, or both
 * finite within `tol` (and, with `zeroSign`, the same sign when both are zero). `want` is the float64 reference
 * already rounded to the output dtype.
 */
export function expectIeee(label: string, got: ArrayLike<number>, want: ArrayLike<number>, o: IeeeCheck = {}): void {
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length}, expected ${want.length}`)
  const zeroSign = o.zeroSign ?? true
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!
    const w = want[i]!
    let ok: boolean
    if (Number.isNaN(w)) ok = Number.isNaN(g)
    else if (!Number.isFinite(w)) ok = g === w
    else if (!Number.isFinite(g)) ok = false
    else {
      const tol = o.tol === undefined ? 0 : typeof o.tol === 'number' ? o.tol : o.tol(i)
      ok = Math.abs(g - w) <= tol
      if (ok && zeroSign && g === 0 && w === 0) ok = Object.is(g, w)
    }
    if (!ok) throw new Error(`${label}: element ${i} is ${show(g)}, the IEEE float64 reference gives ${show(w)}`)
  }
}
