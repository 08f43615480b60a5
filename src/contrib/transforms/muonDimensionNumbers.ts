import { HyperparameterError, ShapeError } from '../../core/errors'
import { type KeyPath, keystr } from '../../core/tree'
import type { PyTree } from '../../core/types'
import type { Matrix } from '../_internal/matrix'

/**
 * Which axes of a weight Muon treats as the matrix (optax.contrib.MuonDimensionNumbers): the reduction (input) axes
 * become its rows, the output axes its columns, and every other axis is a batch axis, each slice orthogonalised on
 * its own. Make one with {@link muonDimensionNumbers}.
 * @category contrib
 * @since 0.1.0
 */
export interface MuonDimensionNumbers {
  /** The reduction (fan-in) axis or axes; negative axes count from the end. @defaultValue 0 */
  readonly reductionAxis?: number | readonly number[] | undefined
  /** The output (fan-out) axis or axes; negative axes count from the end. @defaultValue 1 */
  readonly outputAxis?: number | readonly number[] | undefined
}

const BRAND: unique symbol = Symbol.for('descent.muonDimensionNumbers')
const KEYS: ReadonlySet<string> = new Set(['reductionAxis', 'outputAxis'])
const isAxes = (v: unknown): boolean =>
  Number.isInteger(v) || (Array.isArray(v) && v.length > 0 && v.every((a) => Number.isInteger(a)))

/**
 * Makes a {@link MuonDimensionNumbers} (optax's `MuonDimensionNumbers(reduction_axis=0, output_axis=1)`), positionally
 * or as an options object. The default, axes 0 and 1, is a plain matrix x·W = y.
 *
 * ```text
 * W of shape (batch…, reduction…, output…) in any order  ↦  batch × (Π reduction sizes) × (Π output sizes) matrices
 * fan_in = Π sizes of the reduction axes,   fan_out = Π sizes of the output axes
 * ```
 *
 * @param reductionAxis - The reduction axis or axes (or the whole options object).
 * @param outputAxis - The output axis or axes.
 * @returns A frozen {@link MuonDimensionNumbers} with both fields set.
 * @throws HyperparameterError when an axis is not an integer (or a non-empty list of integers).
 * @example
 * import { contrib, tensor } from 'descent-ts'
 * // a stack of two 2×3 matrices (axis 0 is a batch axis): each is orthogonalised on its own
 * const dims = contrib.muonDimensionNumbers({ reductionAxis: 1, outputAxis: 2 })
 * const tx = contrib.scaleByMuon({ nesterov: false, weightDimensionNumbers: dims })
 * const g = { w: tensor([[[1, 0, 0], [0, 2, 0]], [[0, 0, 3], [4, 0, 0]]], 'float64') }
 * const [u] = tx.update(g, tx.init(g))
 * assert.deepStrictEqual(u.w.shape, [2, 2, 3])
 * @see scaleByMuon, muon
 * @category contrib
 * @since 0.1.0
 */
export function muonDimensionNumbers(
  reductionAxis?: number | readonly number[] | MuonDimensionNumbers,
  outputAxis?: number | readonly number[],
): { readonly reductionAxis: number | readonly number[]; readonly outputAxis: number | readonly number[] } {
  const options: MuonDimensionNumbers =
    typeof reductionAxis === 'object' && reductionAxis !== null && !Array.isArray(reductionAxis)
      ? (reductionAxis as MuonDimensionNumbers)
      : { reductionAxis: reductionAxis as number | readonly number[] | undefined, outputAxis }
  const red = options.reductionAxis ?? 0
  const out = options.outputAxis ?? 1
  for (const [name, v] of [
    ['reductionAxis', red],
    ['outputAxis', out],
  ] as const) {
    if (!isAxes(v)) {
      throw new HyperparameterError(
        `muonDimensionNumbers ${name} must be an integer axis or a non-empty list of integer axes; got ${JSON.stringify(v)}`,
      )
    }
  }
  const made = { reductionAxis: red, outputAxis: out }
  Object.defineProperty(made, BRAND, { value: true, enumerable: false })
  return Object.freeze(made)
}

/** @internal Whether `x` is a dimension-numbers leaf (made by the factory, or a plain object of its two keys). */
export function isMuonDimensionNumbers(x: unknown): x is MuonDimensionNumbers {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false
  if ((x as { [BRAND]?: boolean })[BRAND] === true) return true
  const keys = Object.keys(x)
  return (
    keys.length > 0 &&
    keys.every((k) => KEYS.has(k)) &&
    keys.every((k) => isAxes((x as Record<string, unknown>)[k]) || (x as Record<string, unknown>)[k] === undefined)
  )
}

/**
 * A tree of {@link MuonDimensionNumbers} and nulls with the structure of the params, or a prefix of it (one entry for a
 * whole subtree); null marks a leaf that Muon does not orthogonalise.
 * @category contrib
 * @since 0.1.0
 */
export type MuonDimensionNumbersTree =
  | MuonDimensionNumbers
  | null
  | readonly MuonDimensionNumbersTree[]
  | { readonly [key: string]: MuonDimensionNumbersTree }

/**
 * optax's `weight_dimension_numbers`: one tree of dimension numbers, or a function of the params (or updates) that
 * returns one.
 * @category contrib
 * @since 0.1.0
 */
export type WeightDimensionNumbers = MuonDimensionNumbersTree | ((params: PyTree) => MuonDimensionNumbersTree)

/** @internal The spec as a tree for `t` (a function is called on `t`). */
export const resolveDimensionNumbers = (
  spec: WeightDimensionNumbers | undefined,
  t: PyTree,
): MuonDimensionNumbersTree | undefined => (typeof spec === 'function' ? spec(t) : spec)

/**
 * @internal The dimension numbers of the leaf at `path` under `spec` (resolved once per tree if it is a function):
 * the first dimension-numbers node on the way down, or null where the spec has null or stops.
 */
export function dimensionNumbersAt(resolved: MuonDimensionNumbersTree, path: KeyPath): MuonDimensionNumbers | null {
  let node: unknown = resolved
  for (const k of path) {
    if (node === null || node === undefined) return null
    if (isMuonDimensionNumbers(node)) return node
    node = (node as Record<string | number, unknown>)[k as string]
  }
  return isMuonDimensionNumbers(node) ? node : null
}

const normalise = (axes: number | readonly number[], nd: number): number[] =>
  (typeof axes === 'number' ? [axes] : [...axes]).map((a) => ((a % nd) + nd) % nd)

/** @internal A leaf seen as a batch of matrices under its dimension numbers, and the way back. */
export interface MuonReshape {
  readonly fanIn: number
  readonly fanOut: number
  readonly matrices: readonly Matrix[]
  /** The matrices (same shapes) written back in the leaf's own layout. */
  readonly restore: (ms: readonly Matrix[]) => Float64Array
}

/** @internal Splits a leaf of `shape` into (batch, Π reduction, Π output) matrices, as optax's _compute_muon_reshape. */
export function muonReshape(
  owner: string,
  path: KeyPath,
  data: ArrayLike<number>,
  shape: readonly number[],
  dims: MuonDimensionNumbers,
): MuonReshape {
  const nd = shape.length
  const where = keystr(path, 'updates')
  if (nd < 2) {
    throw new ShapeError(
      `${owner}: ${where} has rank ${nd}; Muon orthogonalises tensors of rank ≥ 2. Give it null dimension numbers ` +
        '(or leave it to AdamW in contrib.muon).',
    )
  }
  const red = normalise(dims.reductionAxis ?? 0, nd)
  const out = normalise(dims.outputAxis ?? 1, nd)
  if (red.some((a) => out.includes(a))) {
    throw new ShapeError(
      `${owner}: ${where} (shape [${shape.join(',')}]): the reduction axes [${red.join(',')}] and the output axes ` +
        `[${out.join(',')}] must be disjoint.`,
    )
  }
  const batch = shape.map((_, i) => i).filter((i) => !red.includes(i) && !out.includes(i))
  const perm = [...batch, ...red, ...out]
  const size = (axes: readonly number[]) => axes.reduce((p, a) => p * shape[a]!, 1)
  const [nb, rows, cols] = [size(batch), size(red), size(out)]
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, s) => p * s, 1))
  const total = nb * rows * cols
  // source offset of each element in permuted (batch, reduction, output) row-major order
  const source = new Int32Array(total)
  const idx = new Array<number>(nd).fill(0)
  for (let i = 0; i < total; i++) {
    let off = 0
    for (let k = 0; k < nd; k++) off += idx[k]! * strides[perm[k]!]!
    source[i] = off
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k]! < shape[perm[k]!]!) break
      idx[k] = 0
    }
  }
  const block = rows * cols
  const matrices = Array.from({ length: nb }, (_, b) => ({
    rows,
    cols,
    data: Float64Array.from({ length: block }, (_, j) => data[source[b * block + j]!]!),
  }))
  const restore = (ms: readonly Matrix[]): Float64Array => {
    const res = new Float64Array(total)
    ms.forEach((m, b) => m.data.forEach((v, j) => (res[source[b * block + j]!] = v)))
    return res
  }
  return { fanIn: rows, fanOut: cols, matrices, restore }
}
