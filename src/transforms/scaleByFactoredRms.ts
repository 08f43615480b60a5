import { DTypeError, HyperparameterError, ShapeError } from '../core/errors'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { checkBoolean, checkInRange, checkInteger } from '../core/hyperparams'
import { type Tensor, full, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { broadcastOver, dropAxes, reduceOver } from './_internal/axes'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link scaleByFactoredRms}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByFactoredRmsOptions {
  /**
   * Use the factored (row and column) second-moment estimate for leaves that qualify.
   * @defaultValue true
   */
  readonly factored?: boolean
  /**
   * Exponent of the decay schedule β_t = 1 − (t + 1)^(−decayRate); finite.
   * @defaultValue 0.8
   */
  readonly decayRate?: number
  /**
   * Step at which the decay schedule starts again (for fine-tuning, when the count is restored from a checkpoint);
   * an integer ≥ 0. While count < stepOffset the default schedule gives NaN, as in optax.
   * @defaultValue 0
   */
  readonly stepOffset?: number
  /**
   * A leaf is factored only when its second-largest dimension is at least this; an integer ≥ 0.
   * @defaultValue 128
   */
  readonly minDimSizeToFactor?: number
  /**
   * Added to the squared gradient before averaging; ≥ 0.
   * @defaultValue 1e-30
   */
  readonly epsilon?: number
  /**
   * The decay schedule `(step, decayRate) => β`, called with step = count − stepOffset (e.g. a capped schedule as in
   * Zhai et al. 2021).
   * @defaultValue (step, rate) => 1 − (step + 1)^(−rate)
   */
  readonly decayRateFn?: ((step: number, decayRate: number) => number) | undefined
}

/**
 * State of {@link scaleByFactoredRms}. Each of `vRow`, `vCol` and `v` has the params' structure; a leaf holds the
 * statistic it uses and a placeholder (zeros of shape [1], or 0 for a number leaf) for the others, as in optax.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByFactoredRmsState {
  /** Number of updates done so far. */
  readonly count: number
  /** Factored leaves: the row statistics (the leaf's shape without its largest axis). */
  readonly vRow: PyTree
  /** Factored leaves: the column statistics (the leaf's shape without its second-largest axis). */
  readonly vCol: PyTree
  /** Other leaves: the full second-moment estimate (the leaf's shape). */
  readonly v: PyTree
}

/** The two largest axes [d1 (second largest), d0 (largest)], ties to the lower index as numpy's argsort; or null. */
function factoredDims(shape: readonly number[], factored: boolean, minDim: number): readonly [number, number] | null {
  if (!factored || shape.length < 2) return null
  const sorted = shape.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const [d1Size, d1] = sorted[sorted.length - 2]!
  if (d1Size < minDim) return null
  return [d1, sorted[sorted.length - 1]![1]]
}

const STATE: StateSpec = { count: 'count', vRow: 'treeLike', vCol: 'treeLike', v: 'treeLike' }

/** Checks one state leaf against the shape init gives it (null: a number), naming the path; returns it. */
function stateLeaf(x: Leaf, shape: readonly number[] | null, g: Leaf, name: string, path: tree.KeyPath): Leaf {
  const ok =
    shape === null
      ? typeof x === 'number'
      : isTensor(x) && x.shape.length === shape.length && shape.every((d, j) => d === x.shape[j])
  if (!ok) {
    const got = isTensor(x) ? `shape [${x.shape.join(',')}]` : `a ${typeof x}`
    throw new ShapeError(
      `scaleByFactoredRms: ${tree.keystr(path, name)} should be ${shape === null ? 'a number' : `of shape [${shape.join(',')}]`} ` +
        `for ${tree.keystr(path, 'updates')}; got ${got}. Pass the state returned by this transform's init or update for the same params.`,
    )
  }
  if (isTensor(g) && g.dtype === 'float64' && isTensor(x) && x.dtype === 'float32') {
    throw new DTypeError(
      `scaleByFactoredRms: ${tree.keystr(path, 'updates')} is float64 but ${tree.keystr(path, name)} is float32 (the ` +
        "dtype of the params the state was made from); cast the gradient first (tree.cast(grads, 'float32')).",
    )
  }
  return x
}

const placeholder = (p: Leaf): Leaf => (typeof p === 'number' ? 0 : full([1], 0, p.dtype))

/**
 * Rescales updates by a factored estimate of the gradients' root mean square, as in Adafactor (Shazeer & Stern).
 *
 * A leaf whose two largest dimensions are both at least `minDimSizeToFactor` keeps only row and column averages of
 * g² (memory n + m instead of n·m) and rebuilds the second moment as their outer product divided by the mean row
 * statistic; other leaves keep the full average, like RMSprop. The decay β_t grows with the step (0 at the first
 * step, so the first update is g/√(g² + ε) ≈ sign(g)). It needs the params (their shapes decide the factoring).
 * Averages are accumulated in float64; statistics are stored in the params' dtype. See {@link adafactor}.
 *
 * ```text
 * β_t = 1 − (count − stepOffset + 1)^(−decayRate)
 * factored (d₀ the largest axis, d₁ the second largest):
 *   R_t = β_t·R_{t−1} + (1−β_t)·mean_{d₀}(g² + ε)        C_t = β_t·C_{t−1} + (1−β_t)·mean_{d₁}(g² + ε)
 *   u = g · (R_t / mean_{d₁}(R_t))^(−½) · C_t^(−½)        (R broadcast along d₀, C along d₁)
 * otherwise:
 *   v_t = β_t·v_{t−1} + (1−β_t)·(g² + ε)                 u = g · v_t^(−½)
 * ```
 *
 * References: Shazeer & Stern 2018, Adafactor: Adaptive Learning Rates with Sublinear Memory Cost,
 * https://arxiv.org/abs/1804.04235
 *
 * @param options - {@link ScaleByFactoredRmsOptions}.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByFactoredRmsState}.
 * @throws HyperparameterError when an option is out of range; DescentError from `update` without params.
 * @example
 * import { scaleByFactoredRms, tensor, type Tensor } from 'descent-ts'
 * const tx = scaleByFactoredRms({ minDimSizeToFactor: 2 })
 * const params = { w: tensor([[0, 0], [0, 0]]) }
 * const g = { w: tensor([[1, 1], [2, 2]]) }
 * const [u, state] = tx.update(g, tx.init(params), params)
 * // β₁ = 0: R = row means of g² = [1, 4], C = column means = [2.5, 2.5], mean(R) = 2.5,
 * // u[i][j] = g[i][j] · √(2.5/R[i]) / √C[j] = g[i][j]/√R[i]: every element is 1.
 * u.w.dataSync().forEach((x) => assert.ok(Math.abs(x - 1) < 1e-6))
 * assert.deepStrictEqual((state.vRow as { w: Tensor }).w.toArray(), [1, 4])
 * @see adafactor, scaleByRms, clipByBlockRms, scaleByParamBlockRms
 * @category transforms
 * @since 0.1.0
 */
export function scaleByFactoredRms(
  options: ScaleByFactoredRmsOptions = {},
): GradientTransformation<ScaleByFactoredRmsState> {
  const owner = 'scaleByFactoredRms'
  const factored = checkBoolean(owner, 'options.factored', options.factored ?? true)
  const decayRate = checkInRange(owner, 'options.decayRate', options.decayRate ?? 0.8, '(-Infinity, Infinity)')
  const stepOffset = checkInteger(owner, 'options.stepOffset', options.stepOffset ?? 0, '[0, Infinity)')
  const minDim = checkInteger(owner, 'options.minDimSizeToFactor', options.minDimSizeToFactor ?? 128, '[0, Infinity)')
  const epsilon = checkInRange(owner, 'options.epsilon', options.epsilon ?? 1e-30, '[0, Infinity)')
  const fn = options.decayRateFn ?? ((step: number, rate: number) => 1 - (step + 1) ** -rate)
  if (typeof fn !== 'function') throw new HyperparameterError(`${owner} options.decayRateFn must be a function`)
  const dims = (p: Leaf) => (typeof p === 'number' ? null : factoredDims(p.shape, factored, minDim))
  const sq = (x: number) => x * x + epsilon

  return {
    init: (params) => {
      checkParams('scaleByFactoredRms.init', params)
      const part = (which: 'row' | 'col' | 'v') =>
        tree.map((p) => {
          const d = dims(p)
          if (d === null) return which === 'v' ? tree.zerosLike(p) : placeholder(p)
          const t = p as Tensor
          if (which === 'v') return placeholder(p)
          return full(dropAxes(t.shape, [which === 'row' ? d[1] : d[0]]), 0, t.dtype)
        }, params)
      return { count: 0, vRow: part('row'), vCol: part('col'), v: part('v') }
    },
    update: (updates, state, params) => {
      const p = paramsRequired(owner, params)
      checkState(owner, state, STATE, updates, p)
      const beta = fn(state.count - stepOffset, decayRate)
      const ema = (old: Leaf, mean: Leaf) =>
        tree.mapElementwiseNamed(['state', 'mean'], (o, m) => beta * o + (1 - beta) * m, old, mean)
      const [withPaths, def] = tree.flattenWithPath(updates)
      const gs = withPaths.map(([, g]) => g)
      const [ps, rows, cols, vs] = [
        tree.leaves(p),
        tree.leaves(state.vRow),
        tree.leaves(state.vCol),
        tree.leaves(state.v),
      ]
      gs.forEach((g, i) => {
        const d = dims(ps[i]!)
        const path = withPaths[i]![0]
        const shape = typeof g === 'number' ? null : g.shape
        const one = shape === null ? null : [1]
        stateLeaf(rows[i]!, d === null ? one : dropAxes(shape!, [d[1]]), g, 'state.vRow', path)
        stateLeaf(cols[i]!, d === null ? one : dropAxes(shape!, [d[0]]), g, 'state.vCol', path)
        stateLeaf(vs[i]!, d === null ? shape : one, g, 'state.v', path)
      })
      const results = gs.map((g, i) => {
        const d = dims(ps[i]!)
        if (d === null) {
          const v = ema(vs[i]!, tree.mapElementwise(sq, g))
          const u = tree.mapElementwiseNamed(['updates', 'state.v'], (x, vv) => x / Math.sqrt(vv), g, v)
          return [u, rows[i]!, cols[i]!, v] as const
        }
        const [d1, d0] = d
        const t = g as Tensor
        const row = ema(rows[i]!, reduceOver(t, [d0], 'mean', sq)) as Tensor
        const col = ema(cols[i]!, reduceOver(t, [d1], 'mean', sq)) as Tensor
        const reducedD1 = d1 > d0 ? d1 - 1 : d1
        const rowColMean = broadcastOver(reduceOver(row, [reducedD1], 'mean'), row.shape, [reducedD1])
        const rowFactor = tree.mapElementwise((r, m) => (r / m) ** -0.5, row, rowColMean)
        const colFactor = tree.mapElementwise((c) => c ** -0.5, col)
        const u = tree.mapElementwise(
          (x, r, c) => x * r * c,
          t,
          broadcastOver(rowFactor, t.shape, [d0]),
          broadcastOver(colFactor, t.shape, [d1]),
        )
        return [u, row, col, vs[i]!] as const
      })
      const rebuild = (k: 0 | 1 | 2 | 3) =>
        tree.unflatten(
          def,
          results.map((r) => r[k]),
        )
      const next = { count: state.count + 1, vRow: rebuild(1), vCol: rebuild(2), v: rebuild(3) }
      return [rebuild(0) as typeof updates, next]
    },
  }
}

withHyperparamDefaults(scaleByFactoredRms, 0, { decayRate: 0.8, stepOffset: 0, epsilon: 1e-30 })
