import { checkInRange } from '../core/hyperparams'
import { DTypeError, ShapeError } from '../core/errors'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { type Tensor, full, isTensor } from '../core/tensor'
import { type KeyPath, keystr } from '../core/treeTraversal'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { broadcastOver, mapLeafPrefix, otherAxes, reduceOver } from './_internal/axes'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link scaleBySm3}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleBySm3Options {
  /**
   * Decay of the exponential moving average of the preconditioned updates (the momentum); in [0, 1].
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay of the accumulators; 1 means a plain sum (Adagrad-like, the paper's SM3); in [0, 1].
   * @defaultValue 1
   */
  readonly b2?: number
  /**
   * Added to the accumulator inside the inverse square root; ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
}

const STATE: StateSpec = { mu: 'any', nu: 'tree' }

/** The accumulators of one leaf as init makes them, or an error naming the path (never an internal broadcast error). */
function checkAccumulators(g: Leaf, mu: unknown, path: KeyPath): readonly Leaf[] {
  const want: readonly (readonly number[] | null)[] =
    typeof g === 'number' ? [null] : g.shape.length < 2 ? [g.shape] : g.shape.map((n) => [n])
  const ok =
    Array.isArray(mu) &&
    mu.length === want.length &&
    want.every((shape, i) => {
      const m: unknown = mu[i]
      return shape === null
        ? typeof m === 'number'
        : isTensor(m) && m.shape.length === shape.length && shape.every((d, j) => d === m.shape[j])
    })
  const at = keystr(path, 'state.mu')
  if (!ok) {
    const wanted = want.map((s) => (s === null ? 'a number' : `[${s.join(',')}]`)).join(', ')
    throw new ShapeError(
      `scaleBySm3: ${at} should be the list of accumulators [${wanted}] of ${keystr(path, 'updates')}; got ` +
        `${Array.isArray(mu) ? `a list of ${mu.length}` : String(mu)}. Pass the state returned by this transform's init or update for the same params.`,
    )
  }
  if (isTensor(g) && g.dtype === 'float64' && (mu as Leaf[]).some((m) => isTensor(m) && m.dtype === 'float32')) {
    throw new DTypeError(
      `scaleBySm3: ${keystr(path, 'updates')} is float64 but ${at} is float32 (the dtype of the params the state was ` +
        "made from); cast the gradient to the params' dtype first (tree.cast(grads, 'float32')).",
    )
  }
  return mu as readonly Leaf[]
}

/**
 * State of {@link scaleBySm3}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleBySm3State {
  /**
   * Per params leaf, the list of accumulators: for a leaf of rank r ≥ 2, r vectors (one per axis, of that axis'
   * length); for a leaf of rank < 2 (and a number), one accumulator of the leaf's own shape.
   */
  readonly mu: PyTree
  /** Exponential moving average of the preconditioned updates (the params' structure). */
  readonly nu: PyTree
}

const accumulatorsFor = (p: Leaf): Leaf[] => {
  if (typeof p === 'number') return [0]
  if (p.shape.length < 2) return [full(p.shape, 0, p.dtype)]
  return p.shape.map((n) => full([n], 0, p.dtype))
}

/**
 * Scales updates by SM3's memory-efficient, cover-based second-moment estimate (Anil et al.), with momentum.
 *
 * For a leaf of rank ≥ 2 one accumulator per axis replaces the full second moment: each element uses the minimum of
 * its axes' accumulators, and each accumulator keeps the maximum over its slice. Leaves of rank < 2 keep one
 * full accumulator. The result goes through an exponential moving average, which is the update. See {@link sm3}.
 *
 * ```text
 * c = 1 if β₂ = 1, else 1 − β₂
 * rank ≥ 2:  a = c·g² + β₂·min_i μ_i[index_i]          μ_i ← max of a over all axes but i
 * rank < 2:  a = c·g² + β₂·μ₀                           μ₀ ← a
 * p = g / √(a + ε) where a > 0, else 0
 * ν_t = β₁·ν_{t−1} + (1−β₁)·p          u = ν_t
 * ```
 *
 * References: Anil et al. 2019, Memory-Efficient Adaptive Optimization, https://arxiv.org/abs/1901.11150
 *
 * @param options - {@link ScaleBySm3Options}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleBySm3State}.
 * @throws HyperparameterError when an option is out of range.
 * @example
 * import { scaleBySm3, tensor, type Tensor } from 'descent-ts'
 * const tx = scaleBySm3({ b1: 0, eps: 0 })
 * const params = { w: tensor([[0, 0], [0, 0]]) }
 * const [u, state] = tx.update({ w: tensor([[1, 2], [-3, 0]]) }, tx.init(params))
 * // First step: a = g², so p = g/|g| = sign(g) (0 where g = 0).
 * assert.deepStrictEqual(u.w.toArray(), [[1, 1], [-1, 0]])
 * const [rows, cols] = (state.mu as { w: [Tensor, Tensor] }).w
 * assert.deepStrictEqual([rows.toArray(), cols.toArray()], [[4, 9], [9, 4]]) // row and column maxima of g²
 * @see sm3, scaleByRss
 * @category transforms
 * @since 0.1.0
 */
export function scaleBySm3(options: ScaleBySm3Options = {}): GradientTransformation<ScaleBySm3State> {
  const owner = 'scaleBySm3'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1]')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 1, '[0, 1]')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const c = b2 === 1 ? 1 : 1 - b2

  const newAccumulator = (g: Leaf, mu: readonly Leaf[]): Leaf => {
    if (typeof g === 'number' || g.shape.length < 2) {
      return tree.mapElementwiseNamed(['updates', 'state.mu[0]'], (x, m) => c * x * x + b2 * m, g, mu[0] ?? null)
    }
    const expanded = (mu as readonly Tensor[]).map((m, i) => broadcastOver(m, g.shape, otherAxes(i, g.shape.length)))
    return tree.mapElementwise((x, ...ms) => c * x * x + b2 * Math.min(...ms), g, ...expanded)
  }
  const newMu = (a: Leaf): Leaf[] =>
    typeof a === 'number' || a.shape.length < 2
      ? [a]
      : a.shape.map((_, i) => reduceOver(a, otherAxes(i, a.shape.length), 'max'))

  return {
    init: (params) => (
      checkParams('scaleBySm3.init', params),
      {
        mu: mapLeafPrefix(accumulatorsFor, ['params'], params) as PyTree,
        nu: tree.zerosLike(params),
      }
    ),
    update: (updates, state, params) => {
      checkState(owner, state, STATE, updates, params)
      const accum = mapLeafPrefix(
        (g, mu, path) => newAccumulator(g, checkAccumulators(g, mu, path as KeyPath)),
        ['updates', 'state.mu'],
        updates,
        state.mu,
      ) as PyTree
      const up = tree.mapElementwiseNamed(
        ['updates', 'accumulator'],
        (g, a) => (a > 0 ? g / Math.sqrt(a + eps) : 0),
        updates,
        accum,
      )
      const nu = tree.updateMoment<PyTree>(up, state.nu, b1, 1)
      const mu = mapLeafPrefix(newMu, ['accumulator'], accum) as PyTree
      return [nu as typeof updates, { mu, nu }]
    },
  }
}

withHyperparamDefaults(scaleBySm3, 0, { b1: 0.9, b2: 1, eps: 1e-8 })
