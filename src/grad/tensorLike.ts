/**
 * Helpers shared by the ops: weakly typed numbers, axis normalisation and shape checks with clear errors.
 * @internal
 */
import { ShapeError } from '../core/errors'
import { type DType, type Tensor, arrayTypeOf, fromStorage } from '../core/tensor'
import { broadcastShapes } from '../kernels/ndarray'

/**
 * A tensor or a JS number. Numbers are weakly typed scalars (as JAX's Python scalars): they take the dtype of the
 * tensor they meet, and float32 when there is none.
 * @category grad
 * @since 0.1.0
 */
export type TensorLike = Tensor | number

/** The parameters of a primitive that takes none: one frozen object shared by every bind, not a literal per call. */
export const NO_PARAMS: Readonly<Record<string, never>> = Object.freeze({})

/** float64 if any tensor among `xs` is float64, else float32 (numbers do not count). */
export function dtypeOf(...xs: readonly TensorLike[]): DType {
  for (const x of xs) if (typeof x !== 'number' && x.dtype === 'float64') return 'float64'
  return 'float32'
}

/** A 0-d tensor of a number. */
export const scalar = (v: number, dtype: DType): Tensor => fromStorage(new (arrayTypeOf(dtype))([v]), [])

/** A tensor of `x`, a number becoming a 0-d tensor of `dtype`. */
export const lift = (x: TensorLike, dtype: DType): Tensor => (typeof x === 'number' ? scalar(x, dtype) : x)

/** A tensor of `x` (a number becomes a 0-d float32 tensor, as `liftAll(x)[0]`). */
export const asTensor = (x: TensorLike): Tensor => lift(x, 'float32')

/** Lifts several values with their common dtype. */
export function liftAll(...xs: readonly TensorLike[]): Tensor[] {
  const dt = dtypeOf(...xs)
  return xs.map((x) => lift(x, dt))
}

export const shapeStr = (s: readonly number[]): string => `[${s.join(',')}]`

/** The broadcast shape, or a ShapeError naming the op. */
export function broadcastOrThrow(op: string, ...shapes: readonly (readonly number[])[]): readonly number[] {
  const s = broadcastShapes(...shapes)
  if (s === null) {
    throw new ShapeError(
      `${op}: shapes ${shapes.map(shapeStr).join(' and ')} cannot be broadcast together (NumPy rules: ` +
        'trailing dimensions must be equal or 1).',
    )
  }
  return s
}

/** One axis in `[-rank, rank)` made non-negative. */
export function normAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}.`)
  }
  return axis < 0 ? axis + rank : axis
}

/** Axes (`undefined` = all) made non-negative, sorted and checked for duplicates. */
export function normAxes(op: string, axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i)
  const list = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normAxis(op, a, rank)).sort((a, b) => a - b)
  if (list.some((a, i) => i > 0 && a === list[i - 1]))
    throw new ShapeError(`${op}: repeated axis in [${String(axis)}].`)
  return list
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  // A loop, not `every`: called by every binary VJP (sumTo) and broadcast, where the callback's closure showed.
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
