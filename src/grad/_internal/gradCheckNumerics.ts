/**
 * Numerics of checkGrads, after jax._src.public_test_util: random directions, central differences, inner products
 * and numpy's assert_allclose test with JAX's size-scaled tolerances.
 * @internal
 */
import { type PRNGKey, randomNormal, splitKey } from '../../core/prng'
import { type DType, arrayTypeOf, fromStorage } from '../../core/tensor'
import type { Leaf } from '../../core/types'

/** A tolerance: one number for every dtype, or one per dtype (missing dtypes keep their default). */
export type Tolerance = number | { readonly float32?: number; readonly float64?: number }

/** JAX's default_gradient_tolerance, used for atol and rtol alike. */
export const DEFAULT_TOLERANCE: Readonly<Record<DType, number>> = { float32: 2e-3, float64: 1e-5 }

/**
 * Default central-difference steps. float32: JAX's EPS = 1e-4 (its only value). float64: 1e-6, PyTorch gradcheck's
 * step: the rounding error u·|f|/ε ≈ 1e-10·|f| and the truncation error ε²·|f'''|/6 ≈ 2e-13·|f'''| both stay far
 * below the 1e-5 tolerance, where JAX's 1e-4 leaves a truncation error of 2e-9·|f'''|.
 */
export const DEFAULT_EPS: Readonly<Record<DType, number>> = { float32: 1e-4, float64: 1e-6 }

/** A number leaf is a float64 scalar. */
export const dtypeOf = (l: Leaf): DType => (typeof l === 'number' ? 'float64' : l.dtype)
export const valuesOf = (l: Leaf): ArrayLike<number> => (typeof l === 'number' ? [l] : l.data)
export const sizeOf = (l: Leaf): number => (typeof l === 'number' ? 1 : l.size)
export const shapeOf = (l: Leaf): readonly number[] => (typeof l === 'number' ? [] : l.shape)

/** The lowest precision among `dtypes` (float64 when empty). */
export const loosest = (dtypes: readonly DType[]): DType => (dtypes.includes('float32') ? 'float32' : 'float64')

/** The tolerance for `dtype`. */
export const toleranceFor = (tol: Tolerance | undefined, dtype: DType): number =>
  typeof tol === 'number' ? tol : (tol?.[dtype] ?? DEFAULT_TOLERANCE[dtype])

const rounder = (dtype: DType): ((x: number) => number) => (dtype === 'float32' ? Math.fround : (x) => x)

/** A leaf of `proto`'s kind, shape and dtype holding `values` (rounded to the dtype). */
export function leafLike(proto: Leaf, values: ArrayLike<number>): Leaf {
  if (typeof proto === 'number') return values[0]!
  return fromStorage(arrayTypeOf(proto.dtype).from(values), proto.shape)
}

/** Standard normal leaves with the kinds, shapes and dtypes of `leaves` (JAX's rand_like), one key per leaf. */
export function randLike(key: PRNGKey, leaves: readonly Leaf[]): Leaf[] {
  const keys = splitKey(key, leaves.length)
  return leaves.map((l, i) =>
    typeof l === 'number'
      ? randomNormal(keys[i]!, [], { dtype: 'float64' }).item()
      : randomNormal(keys[i]!, l.shape, { dtype: l.dtype }),
  )
}

/** `ts` with every leaf but the `i`-th set to zero. */
export const onlyLeaf = (ts: readonly Leaf[], i: number): Leaf[] =>
  ts.map((t, j) => (j === i ? t : leafLike(t, new Float64Array(sizeOf(t)))))

/** Zeros everywhere but a 1 at element `k` of leaf `i`: the direction of one input coordinate. */
export const basis = (xs: readonly Leaf[], i: number, k: number): Leaf[] =>
  xs.map((x, j) => {
    const v = new Float64Array(sizeOf(x))
    if (j === i) v[k] = 1
    return leafLike(x, v)
  })

/** `x + s·t` leaf by leaf, the product and the sum rounded to the leaf's dtype (as JAX's add(x, scalar_mul(t, s))). */
export function axpy(xs: readonly Leaf[], s: number, ts: readonly Leaf[]): Leaf[] {
  return xs.map((x, i) => {
    const r = rounder(dtypeOf(x))
    const t = valuesOf(ts[i]!)
    return leafLike(
      x,
      Array.from(valuesOf(x), (v, k) => r(v + r(s * t[k]!))),
    )
  })
}

/**
 * JAX's numerical_jvp: `(f(x + ε·t) − f(x − ε·t))·(0.5/ε)` per output leaf, in the output's dtype, with the
 * subtraction "safe" (equal values, infinities included, give 0).
 */
export function numericalJvp(
  f: (xs: readonly Leaf[]) => readonly Leaf[],
  xs: readonly Leaf[],
  ts: readonly Leaf[],
  eps: number,
): Leaf[] {
  const pos = f(axpy(xs, eps, ts))
  const neg = f(axpy(xs, -eps, ts))
  return pos.map((p, j) => {
    const r = rounder(dtypeOf(p))
    const n = valuesOf(neg[j]!)
    const half = r(0.5 / eps)
    return leafLike(
      p,
      Array.from(valuesOf(p), (v, k) => r((v === n[k] ? 0 : r(v - n[k]!)) * half)),
    )
  })
}

/** Σ ⟨aᵢ, bᵢ⟩ over matching leaves, accumulated in float64. */
export function inner(a: readonly Leaf[], b: readonly Leaf[]): number {
  let s = 0
  a.forEach((x, i) => {
    const y = valuesOf(b[i]!)
    Array.from(valuesOf(x)).forEach((v, k) => (s += v * y[k]!))
  })
  return s
}

/**
 * How far `actual` is from `expected` in units of numpy's assert_allclose bound `atol + rtol·|expected|`:
 * at most 1 passes. NaN matches NaN and an infinity matches itself (numpy's defaults); any other non-finite pair
 * scores Infinity.
 */
export function score(actual: number, expected: number, atol: number, rtol: number): number {
  if (Number.isNaN(actual) || Number.isNaN(expected)) {
    return Number.isNaN(actual) && Number.isNaN(expected) ? 0 : Infinity
  }
  if (actual === expected) return 0
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return Infinity
  const bound = atol + rtol * Math.abs(expected)
  const diff = Math.abs(actual - expected)
  return bound === 0 ? Infinity : diff / bound
}

/** The worst element of a leafwise comparison. */
export interface Mismatch {
  readonly leaf: number
  readonly index: number
  readonly actual: number
  readonly expected: number
  readonly atol: number
  readonly rtol: number
  readonly score: number
}

/**
 * JAX's check_close over leaves: per leaf, the tolerances of the looser of the two dtypes, multiplied by the leaf's
 * size (`assert_allclose(a, b, atol·a.size, rtol·b.size)`). Returns the worst element (null when there are none).
 * `argDType` is the lowest precision among the arguments: a float64 output of float32 arguments (promoted by a number
 * argument, say) is only known to float32 accuracy, so it gets the float32 tolerance (JAX would use float64's).
 */
export function worstMismatch(
  actual: readonly Leaf[],
  expected: readonly Leaf[],
  atol: Tolerance | undefined,
  rtol: Tolerance | undefined,
  argDType: DType,
): Mismatch | null {
  let worst: Mismatch | null = null
  actual.forEach((a, i) => {
    const b = expected[i]!
    const dtype = loosest([dtypeOf(a), dtypeOf(b), argDType])
    const n = sizeOf(a)
    const at = toleranceFor(atol, dtype) * n
    const rt = toleranceFor(rtol, dtype) * n
    const av = valuesOf(a)
    const bv = valuesOf(b)
    for (let k = 0; k < n; k++) {
      const s = score(av[k]!, bv[k]!, at, rt)
      if (worst === null || s > worst.score) {
        worst = { leaf: i, index: k, actual: av[k]!, expected: bv[k]!, atol: at, rtol: rt, score: s }
      }
    }
  })
  return worst
}

/** `[1, 2]`: the multi-index of flat element `k` of a leaf (empty for scalars). */
export function indexStr(shape: readonly number[], k: number): string {
  if (shape.length === 0) return ''
  const idx: number[] = []
  let r = k
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(r % shape[d]!)
    r = Math.floor(r / shape[d]!)
  }
  return `[${idx.join(', ')}]`
}

/** A number for a message: 6 significant digits. */
export const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x))
