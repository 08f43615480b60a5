import { ShapeError } from '../../core/errors'
import { checkInRange, checkInteger } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../../core/tensor'
import * as tree from '../../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../../core/types'
import { type ScaleByAdamState, scaleByAdam } from '../../transforms/scaleByAdam'
import { checkTransformation } from '../../transforms/_internal/isTransformation'
import { type Matrix, matmul, transpose } from '../_internal/matrix'
import { svd } from '../../core/svd'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Which axes of a weight form the rows (reduction/input axes) and the columns (output axes) of the matrix GaLore
 * projects (optax's `GaLoreDimensionNumbers`): e.g. `{ reductionAxis: 0, outputAxis: [1, 2] }` for attention weights
 * stored as [embed, heads, headDim]. Together the axes must cover every axis once; negative axes count from the end.
 * @category contrib
 * @since 0.1.0
 */
export interface GaloreDimensionNumbers {
  /** The axis or axes of the rows. @defaultValue 0 */
  readonly reductionAxis?: number | readonly number[]
  /** The axis or axes of the columns. @defaultValue 1 */
  readonly outputAxis?: number | readonly number[]
}

/**
 * How {@link scaleByGalore} sees the params as matrices: one {@link GaloreDimensionNumbers} for every param of rank ≥ 2,
 * a tree of them with the params' structure (`null` for a param left unprojected), or a function of the params
 * returning such a tree.
 * @category contrib
 * @since 0.1.0
 */
export type GaloreDimNumsOrFn = GaloreDimensionNumbers | PyTreeOfDimNums | ((params: PyTree) => PyTreeOfDimNums)

/**
 * A tree of {@link GaloreDimensionNumbers} (or `null`) with the params' structure.
 * @category contrib
 * @since 0.1.0
 */
export type PyTreeOfDimNums =
  GaloreDimensionNumbers | null | readonly PyTreeOfDimNums[] | { readonly [key: string]: PyTreeOfDimNums }

/**
 * Options of {@link scaleByGalore}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByGaloreOptions<S = unknown> {
  /** Rank r of the projection (clipped to min(m, n) per matrix); an integer ≥ 1. @defaultValue 128 */
  readonly rank?: number
  /** Steps between two recomputations of the projector from the gradient's SVD; an integer ≥ 1. @defaultValue 200 */
  readonly updateProjGap?: number
  /** Factor α on the projected-back updates. @defaultValue 1 */
  readonly scale?: number
  /**
   * The transform run on the low-rank gradients (and on the full gradients of unprojected params). It never sees
   * params, so it must not need them (`scaleByAdam`, `scaleByLion`, `scaleByRms`, … — not `adamw`).
   * @defaultValue scaleByAdam()
   */
  readonly baseOptimizer?: GradientTransformation<S>
  /** Which params to project and how; by default every rank-2 param, rows × columns. @defaultValue undefined */
  readonly weightDimensionNumbers?: GaloreDimNumsOrFn
}

/**
 * State of {@link scaleByGalore}.
 * @category contrib
 * @since 0.1.0
 */
export interface ScaleByGaloreState<S = unknown> {
  /** Number of updates done so far. */
  readonly count: number
  /** The base optimizer's state, on the low-rank shapes ([r, n] or [m, r]) of the projected params. */
  readonly baseOptimizerState: S
  /** The projector P of each param, [m, r] or [n, r] (a [0, 0] tensor for an unprojected param). */
  readonly projector: PyTree
}

interface Layout {
  readonly rows: number
  readonly cols: number
  /** sourceIndex[r·cols + c] = the flat index in the tensor of matrix entry (r, c). */
  readonly sourceIndex: Int32Array
  readonly left: boolean
  readonly rank: number
}

const isDimNums = (x: unknown): x is GaloreDimensionNumbers => {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || isTensor(x)) return false
  const keys = Object.keys(x)
  return keys.length > 0 && keys.every((k) => k === 'reductionAxis' || k === 'outputAxis')
}

const axesOf = (owner: string, a: number | readonly number[], ndim: number): number[] =>
  (typeof a === 'number' ? [a] : [...a]).map((ax) => {
    if (!Number.isInteger(ax) || ax < -ndim || ax >= ndim) {
      throw new ShapeError(`${owner}: axis ${ax} is out of range for a tensor of rank ${ndim}.`)
    }
    return ((ax % ndim) + ndim) % ndim
  })

function layoutOf(owner: string, path: tree.KeyPath, x: Tensor, dn: GaloreDimensionNumbers, rank: number): Layout {
  const ndim = x.shape.length
  const where = tree.keystr(path, 'params')
  if (ndim < 2) throw new ShapeError(`${owner}: ${where} has rank ${ndim}; GaLore projects tensors of rank ≥ 2.`)
  const red = axesOf(owner, dn.reductionAxis ?? 0, ndim)
  const out = axesOf(owner, dn.outputAxis ?? 1, ndim)
  const all = new Set([...red, ...out])
  if (all.size !== red.length + out.length || all.size !== ndim) {
    throw new ShapeError(
      `${owner}: ${where} (shape [${x.shape.join(', ')}]): reductionAxis [${red}] and outputAxis [${out}] must be ` +
        `disjoint and cover every axis once.`,
    )
  }
  const strides = x.shape.map((_, i) => x.shape.slice(i + 1).reduce((a, b) => a * b, 1))
  const rows = red.reduce((a, ax) => a * x.shape[ax]!, 1)
  const cols = out.reduce((a, ax) => a * x.shape[ax]!, 1)
  const offsets = (axes: number[]): number[] => {
    let acc = [0]
    for (const ax of axes) {
      const next: number[] = []
      for (const o of acc) for (let i = 0; i < x.shape[ax]!; i++) next.push(o + i * strides[ax]!)
      acc = next
    }
    return acc
  }
  const ro = offsets(red)
  const co = offsets(out)
  const sourceIndex = new Int32Array(rows * cols)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sourceIndex[r * cols + c] = ro[r]! + co[c]!
  return { rows, cols, sourceIndex, left: rows >= cols, rank: Math.min(rank, rows, cols) }
}

const toMatrix = (x: Tensor, l: Layout): Matrix => ({
  rows: l.rows,
  cols: l.cols,
  data: Float64Array.from(l.sourceIndex, (i) => x.data[i]!),
})

function fromMatrix(m: Matrix, like: Tensor, l: Layout, factor: number): Tensor {
  const out = new (arrayTypeOf(like.dtype))(like.data.length)
  l.sourceIndex.forEach((src, k) => (out[src] = factor * m.data[k]!))
  return fromStorage(out, like.shape)
}

const asTensorOf = (m: Matrix, like: Tensor): Tensor =>
  fromStorage(arrayTypeOf(like.dtype).from(m.data), [m.rows, m.cols])

const asMatrixOf = (t: Tensor): Matrix => ({ rows: t.shape[0]!, cols: t.shape[1]!, data: Float64Array.from(t.data) })

/** The first `k` columns of `a`. */
function leadingColumns(a: Matrix, k: number): Matrix {
  const data = new Float64Array(a.rows * k)
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) data[i * k + j] = a.data[i * a.cols + j]!
  return { rows: a.rows, cols: k, data }
}

const STATE: StateSpec = { count: 'count', baseOptimizerState: 'any', projector: 'treeLike' }

/**
 * Rescales updates according to GaLore (gradient low-rank projection): each weight matrix's gradient G (m × n) is
 * projected onto its top-r singular subspace, the base optimizer runs there (so its moments are r × n or m × r instead
 * of m × n), and its update is projected back. The projector P is recomputed from the SVD of the current gradient every
 * `updateProjGap` steps (at counts 0, gap, 2·gap, …) and kept in between. Params that are not projected (rank < 2 by
 * default) go through the base optimizer unchanged.
 *
 * ```text
 * m ≥ n (left):   P = U[:, :r] of G = U·S·Vᵀ,   R = Pᵀ·G (r × n),   u = α·P·base(R)
 * m < n (right):  P = V[:, :r],                 R = G·P  (m × r),   u = α·base(R)·Pᵀ
 * ```
 *
 * Differences from optax: the SVD is a float64 one-sided Jacobi SVD on the host (exact to rounding, not a LAPACK
 * call), with each singular vector's sign fixed so that its largest entry is positive (LAPACK's signs are arbitrary);
 * the update P·base(R) does not depend on these signs when the base optimizer is odd in its input (Adam, RMS, SGD),
 * except for moments carried across a projector refresh (as in optax, they are not rotated into the new basis).
 *
 * References: Zhao et al. 2024, "GaLore: Memory-Efficient LLM Training by Gradient Low-Rank Projection",
 * https://arxiv.org/abs/2403.03507
 *
 * @param options - {@link ScaleByGaloreOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByGaloreState}.
 * @throws HyperparameterError for a rank or gap that is not an integer ≥ 1; ShapeError for dimension numbers that do
 * not fit a param.
 * @example
 * import { contrib, scaleByAdam, tensor, type Tensor } from 'descent-ts'
 * const tx = contrib.scaleByGalore({ rank: 1, baseOptimizer: scaleByAdam() })
 * const w = tensor([[3, 0], [0, 1], [0, 0]], 'float64') // 3 × 2: left projection onto the top singular vector e₁
 * const state = tx.init(w)
 * assert.deepStrictEqual((state.projector as Tensor).shape, [3, 1])
 * const [u, next] = tx.update(w, state)
 * // R = Pᵀ·G = [3, 0]; Adam's first step is ≈ sign(R) = [1, 0]; back: P·[1, 0] = e₁·[1, 0]
 * const U = u.toArray() as [[number, number], [number, number], [number, number]]
 * assert.ok(Math.abs(U[0][0] - 1) < 1e-6 && Math.abs(U[1][1]) < 1e-12)
 * assert.deepStrictEqual((next.projector as Tensor).toArray(), [[1], [0], [0]])
 * @see galore
 * @category contrib
 * @since 0.1.0
 */
export function scaleByGalore<S = ScaleByAdamState>(
  options: ScaleByGaloreOptions<S> = {},
): GradientTransformation<ScaleByGaloreState<S>> {
  const owner = 'contrib.scaleByGalore'
  const rank = checkInteger(owner, 'options.rank', options.rank ?? 128, '[1, Infinity)')
  const gap = checkInteger(owner, 'options.updateProjGap', options.updateProjGap ?? 200, '[1, Infinity)')
  const factor = checkInRange(owner, 'options.scale', options.scale ?? 1, '(-Infinity, Infinity)')
  const base = (options.baseOptimizer ?? scaleByAdam()) as GradientTransformation<S>
  checkTransformation(owner, 'options.baseOptimizer', base as GradientTransformation<unknown>)
  const dimNums = options.weightDimensionNumbers

  /** The layout of each leaf of `t` (undefined: not projected), by the rules of optax's `_get_dim_nums`. */
  const layoutsOf = (t: PyTree): (Layout | undefined)[] => {
    const [pairs] = tree.flattenWithPath(t)
    const spec = typeof dimNums === 'function' ? dimNums(t) : dimNums
    return pairs.map(([path, leaf]) => {
      if (!isTensor(leaf)) return undefined
      let dn: GaloreDimensionNumbers | undefined
      if (spec === undefined) dn = leaf.shape.length === 2 ? {} : undefined
      else if (isDimNums(spec)) dn = leaf.shape.length >= 2 ? spec : undefined
      else {
        let node: unknown = spec
        for (const key of path) {
          if (node === null || node === undefined || isDimNums(node)) break
          node = (node as Record<string | number, unknown>)[key]
        }
        dn = isDimNums(node) ? node : undefined
      }
      return dn === undefined ? undefined : layoutOf(owner, path, leaf, dn, rank)
    })
  }

  return {
    init: (params) => {
      checkParams(`${owner}.init`, params)
      const layouts = layoutsOf(params)
      const [leaves, def] = tree.flatten(params)
      const projectors: Leaf[] = []
      const proxies: Leaf[] = []
      leaves.forEach((leaf, i) => {
        const l = layouts[i]
        const dtype = isTensor(leaf) ? leaf.dtype : 'float64'
        const zeros = (shape: number[]) => fromStorage(new (arrayTypeOf(dtype))(shape[0]! * shape[1]!), shape)
        if (l === undefined) {
          projectors.push(zeros([0, 0]))
          proxies.push(isTensor(leaf) ? fromStorage(new (arrayTypeOf(dtype))(leaf.data.length), leaf.shape) : 0)
        } else {
          projectors.push(zeros(l.left ? [l.rows, l.rank] : [l.cols, l.rank]))
          proxies.push(zeros(l.left ? [l.rank, l.cols] : [l.rows, l.rank]))
        }
      })
      return {
        count: 0,
        baseOptimizerState: base.init(tree.unflatten(def, proxies)),
        projector: tree.unflatten(def, projectors),
      }
    },
    update: (updates, state) => {
      checkState(owner, state, STATE, updates)
      const refresh = state.count % gap === 0
      const layouts = layoutsOf(updates)
      const [grads, def] = tree.flatten(updates)
      const oldProjectors = tree.leaves(state.projector)
      if (oldProjectors.length !== grads.length) {
        throw new ShapeError(
          `${owner}: the state's projector has ${oldProjectors.length} leaves, the updates ${grads.length}.`,
        )
      }
      const projectors: Leaf[] = []
      const lowRank: Leaf[] = []
      grads.forEach((g, i) => {
        const l = layouts[i]
        if (l === undefined || !isTensor(g)) {
          projectors.push(oldProjectors[i]!)
          lowRank.push(g)
          return
        }
        const gm = toMatrix(g, l)
        if (refresh) {
          const { u, v } = svd(gm)
          projectors.push(asTensorOf(leadingColumns(l.left ? u : v, l.rank), g))
        } else projectors.push(oldProjectors[i]!)
        // Project with the stored (dtype-rounded) projector, as optax does after its cast.
        const stored = asMatrixOf(projectors[i] as Tensor)
        lowRank.push(asTensorOf(l.left ? matmul(transpose(stored), gm) : matmul(gm, stored), g))
      })
      const [low, baseOptimizerState] = base.update(tree.unflatten(def, lowRank), state.baseOptimizerState)
      const lowLeaves = tree.leaves(low)
      const out = grads.map((g, i) => {
        const l = layouts[i]
        if (l === undefined || !isTensor(g)) return lowLeaves[i]!
        const p = asMatrixOf(projectors[i] as Tensor)
        const r = asMatrixOf(lowLeaves[i] as Tensor)
        return fromMatrix(l.left ? matmul(p, r) : matmul(r, transpose(p)), g, l, factor)
      })
      return [
        tree.unflatten(def, out) as typeof updates,
        { count: state.count + 1, baseOptimizerState, projector: tree.unflatten(def, projectors) },
      ]
    },
  }
}

// rank fixes the projector's shape: a static size, as optax users pass in static_args.
withHyperparamDefaults(scaleByGalore, 0, { updateProjGap: 200, scale: 1 })
