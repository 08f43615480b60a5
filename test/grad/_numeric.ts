/** Float64 numerics for the grad tests: a seeded PRNG, central differences and inner products. */
import { type Tensor, tensor } from '../../src/index'

/** mulberry32: a small deterministic PRNG for test inputs (avoids fast-check's bias towards 0 and ties). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** A float64 tensor with entries uniform in [lo, hi). */
export const randTensor = (r: () => number, shape: readonly number[], lo = -2, hi = 2): Tensor =>
  tensor(
    Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * r()),
    shape,
    'float64',
  )

export const vals = (t: Tensor): number[] => Array.from(t.data)

/** Σ aᵢbᵢ over several tensors. */
export const inner = (a: readonly Tensor[], b: readonly Tensor[]): number =>
  a.reduce((s, t, k) => s + vals(t).reduce((u, v, i) => u + v * b[k]!.data[i]!, 0), 0)

/** x + s·v, elementwise, for lists of float64 tensors. */
export const axpy = (xs: readonly Tensor[], s: number, vs: readonly Tensor[]): Tensor[] =>
  xs.map((x, k) =>
    tensor(
      vals(x).map((v, i) => v + s * vs[k]!.data[i]!),
      x.shape,
      'float64',
    ),
  )

/** Central difference of f along v: (f(x + εv) − f(x − εv)) / 2ε. */
export function numericJvp(
  f: (...xs: Tensor[]) => Tensor,
  xs: readonly Tensor[],
  vs: readonly Tensor[],
  eps = 1e-6,
): number[] {
  const p = vals(f(...axpy(xs, eps, vs)))
  const m = vals(f(...axpy(xs, -eps, vs)))
  return p.map((v, i) => (v - m[i]!) / (2 * eps))
}

/** |a − b| ≤ atol + rtol·|b| for every element. */
export function close(a: readonly number[], b: readonly number[], rtol = 1e-5, atol = 1e-6): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= atol + rtol * Math.abs(b[i]!))
}

/** Row-wise softmax of a [B, K] float64 tensor, computed independently in JS. */
export const softmaxRows = (z: Tensor): number[][] =>
  (z.toArray() as number[][]).map((row) => {
    const m = Math.max(...row)
    const e = row.map((v) => Math.exp(v - m))
    const s = e.reduce((a, b) => a + b, 0)
    return e.map((v) => v / s)
  })
