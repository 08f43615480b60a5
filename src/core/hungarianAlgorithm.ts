import { ShapeError } from './errors'
import { type Tensor, isTensor } from './tensor'

/** The rows of a cost matrix given as a rank-2 tensor or nested arrays. */
function rowsOf(owner: string, cost: Tensor | readonly (readonly number[])[]): number[][] {
  if (isTensor(cost)) {
    if (cost.shape.length !== 2) throw new ShapeError(`${owner}: the cost matrix must have rank 2; got [${cost.shape}]`)
    const [n, m] = [cost.shape[0]!, cost.shape[1]!]
    return Array.from({ length: n }, (_, i) => Array.from(cost.data.subarray(i * m, (i + 1) * m)))
  }
  const m = cost[0]?.length ?? 0
  if (cost.some((r) => r.length !== m)) throw new ShapeError(`${owner}: the rows of the cost matrix differ in length`)
  return cost.map((r) => [...r])
}

/**
 * Shortest augmenting paths with potentials (Kuhn–Munkres in the Jonker–Volgenant form), O(n²m) for n ≤ m rows:
 * the column assigned to each row.
 */
function assignRows(c: readonly (readonly number[])[], n: number, m: number): number[] {
  const u = new Float64Array(n + 1)
  const v = new Float64Array(m + 1)
  const rowOf = new Int32Array(m + 1) // 1-based row matched to column j (0: none)
  const way = new Int32Array(m + 1)
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i
    let j0 = 0
    const minv = new Float64Array(m + 1).fill(Infinity)
    const used = new Uint8Array(m + 1)
    do {
      used[j0] = 1
      const i0 = rowOf[j0]!
      let delta = Infinity
      let j1 = 0
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue
        const cur = c[i0 - 1]![j - 1]! - u[i0]! - v[j]!
        if (cur < minv[j]!) {
          minv[j] = cur
          way[j] = j0
        }
        if (minv[j]! < delta) {
          delta = minv[j]!
          j1 = j
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOf[j]!] = u[rowOf[j]!]! + delta
          v[j] = v[j]! - delta
        } else minv[j] = minv[j]! - delta
      }
      j0 = j1
    } while (rowOf[j0] !== 0)
    do {
      const j1 = way[j0]!
      rowOf[j0] = rowOf[j1]!
      j0 = j1
    } while (j0 !== 0)
  }
  const colOf = new Array<number>(n).fill(-1)
  for (let j = 1; j <= m; j++) if (rowOf[j]! > 0) colOf[rowOf[j]! - 1] = j - 1
  return colOf
}

/**
 * The Hungarian algorithm for the linear assignment problem (optax.assignment.hungarian_algorithm): for an n×m cost
 * matrix, min(n, m) (row, column) pairs, each row and each column used at most once, of least total cost. Rows are
 * returned in increasing order. Costs must be finite.
 * ```text
 * min Σᵢⱼ Cᵢⱼ·Xᵢⱼ   over X ∈ {0, 1}ⁿˣᵐ,  Σⱼ Xᵢⱼ ≤ 1,  Σᵢ Xᵢⱼ ≤ 1,  Σ X = min(n, m)
 * ```
 * @returns `[i, j]`: the row indices and the column indices of the assignment.
 * @throws ShapeError when the cost matrix is not rectangular or has a non-finite entry.
 * @example
 * import { hungarianAlgorithm } from 'descent-ts'
 * // optax's docstring example: cost 15, i = [0, 1, 3], j = [0, 2, 1]
 * const cost = [[8, 4, 7], [5, 2, 3], [9, 6, 7], [9, 4, 8]]
 * const [i, j] = hungarianAlgorithm(cost)
 * assert.deepStrictEqual([i, j], [[0, 1, 3], [0, 2, 1]])
 * @see baseHungarianAlgorithm
 * @category core
 * @since 0.2.0
 */
export function hungarianAlgorithm(
  costMatrix: Tensor | readonly (readonly number[])[],
): readonly [rows: number[], cols: number[]] {
  const owner = 'hungarianAlgorithm'
  const c = rowsOf(owner, costMatrix)
  const n = c.length
  const m = c[0]?.length ?? 0
  if (n === 0 || m === 0) return [[], []]
  if (c.some((r) => r.some((x) => !Number.isFinite(x)))) {
    throw new ShapeError(
      `${owner}: the cost matrix has a non-finite entry; use a large finite cost for a forbidden pair.`,
    )
  }
  if (n <= m) {
    const cols = assignRows(c, n, m)
    return [cols.map((_, i) => i), cols]
  }
  const t = Array.from({ length: m }, (_, j) => c.map((r) => r[j]!))
  const rowsForCols = assignRows(t, m, n)
  const pairs = rowsForCols.map((r, j) => [r, j] as const).sort((a, b) => a[0] - b[0])
  return [pairs.map(([r]) => r), pairs.map(([, j]) => j)]
}

/**
 * optax's other implementation of the same problem (optax.assignment.base_hungarian_algorithm, after Crouse 2016); in
 * descent both names run one algorithm and return the same assignment.
 * ```text
 * min Σᵢⱼ Cᵢⱼ·Xᵢⱼ   as hungarianAlgorithm
 * ```
 * @returns `[i, j]`: the row indices and the column indices of the assignment.
 * @example
 * import { baseHungarianAlgorithm } from 'descent-ts'
 * const cost = [[90, 80, 75, 70], [35, 85, 55, 65], [125, 95, 90, 95], [45, 110, 95, 115], [50, 100, 90, 100]]
 * const [i, j] = baseHungarianAlgorithm(cost)
 * assert.deepStrictEqual([i, j], [[0, 1, 2, 3], [3, 2, 1, 0]]) // cost 265, as optax's docstring
 * @see hungarianAlgorithm
 * @category core
 * @since 0.2.0
 */
export const baseHungarianAlgorithm = (
  costMatrix: Tensor | readonly (readonly number[])[],
): readonly [rows: number[], cols: number[]] => hungarianAlgorithm(costMatrix)
