import { ShapeError } from '../core/errors'
import { checkBoolean, checkInteger } from '../core/hyperparams'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { type Tensor, fromStorage, isTensor, zeros } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { paramsRequired } from './_internal/paramsRequired'

/**
 * Options of {@link scaleByLbfgs}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByLbfgsOptions {
  /**
   * Number of past differences of params and gradients kept to approximate the inverse Hessian (m); an integer ≥ 1.
   * @defaultValue 10
   */
  readonly memorySize?: number
  /**
   * Start the two-loop recursion from γ·I with γ = ⟨s, y⟩/⟨y, y⟩ (and γ = min(1, 1/‖g‖) on the first step) instead
   * of from I.
   * @defaultValue true
   */
  readonly scaleInitPrecond?: boolean
}

/**
 * State of {@link scaleByLbfgs}. The memories are pytrees with the params' structure whose leaves have a leading
 * memory axis (a leaf of shape `[...]` is stored as a tensor of shape `[m, ...]`; a number leaf as a float64 `[m]`
 * tensor), so the state stays a plain serialisable pytree.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByLbfgsState {
  /** Number of updates done so far (k). */
  readonly count: number
  /** The params of the previous call (zeros before the first). */
  readonly params: PyTree
  /** The incoming updates (gradients) of the previous call (zeros before the first). */
  readonly updates: PyTree
  /** Ring buffer of the params differences s = θ_k − θ_{k−1}; slot (k − 1) mod m holds the newest. */
  readonly diffParamsMemory: PyTree
  /** Ring buffer of the gradient differences y = g_k − g_{k−1}, in the same slots. */
  readonly diffUpdatesMemory: PyTree
  /** The weights ρ = 1/⟨y, s⟩ (0 where ⟨y, s⟩ = 0) of each slot, in float64. */
  readonly weightsMemory: readonly number[]
}

/** The [m, ...shape] buffer of zeros for one leaf (float64 [m] for a number leaf). */
const stackedZeros = (m: number, leaf: Leaf): Tensor =>
  typeof leaf === 'number' ? zeros([m], 'float64') : zeros([m, ...leaf.shape], leaf.dtype)

/** Checks that each leaf of a ring buffer is the [m, ...shape] stack of the updates' leaf at its path. */
function checkMemory(name: string, memory: PyTree, like: PyTree, m: number): void {
  const mems = tree.leaves(memory)
  tree.flattenWithPath(like)[0].forEach(([path, l], i) => {
    const want = typeof l === 'number' ? [m] : [m, ...l.shape]
    const x = mems[i]
    if (isTensor(x) && x.shape.length === want.length && want.every((d, j) => d === x.shape[j])) return
    throw new ShapeError(
      `scaleByLbfgs: ${tree.keystr(path, name)} should be of shape [${want.join(',')}] (memorySize rows shaped like ` +
        `${tree.keystr(path, 'updates')}); got ${isTensor(x) ? `shape [${x.shape.join(',')}]` : `a ${typeof x}`}. ` +
        "Pass the state returned by this transform's init or update for the same params.",
    )
  })
}

/** Row i of a stacked leaf, as a leaf like `like`. */
function rowOf(stacked: Tensor, i: number, like: Leaf): Leaf {
  if (typeof like === 'number') return stacked.data[i]!
  const n = like.size
  return fromStorage(stacked.data.slice(i * n, (i + 1) * n), like.shape)
}

/** A copy of a stacked leaf with row i replaced by `value`. */
function withRow(stacked: Tensor, i: number, value: Leaf): Tensor {
  const data = stacked.data.slice()
  if (typeof value === 'number') data[i] = value
  else data.set(value.data, i * value.size)
  return fromStorage(data, stacked.shape)
}

const row = (memory: PyTree, i: number, like: PyTree): PyTree =>
  tree.map((l, m) => rowOf(m as Tensor, i, l), like, memory)
const setRow = (memory: PyTree, i: number, value: PyTree): PyTree =>
  tree.map((v, m) => withRow(m as Tensor, i, v), value, memory)

/**
 * Preconditions the updates by the L-BFGS approximation of the inverse Hessian (two-loop recursion).
 *
 * L-BFGS (Liu & Nocedal 1989) multiplies the gradient by an approximation P_k of the inverse Hessian built from the
 * last m differences of params and gradients, without ever forming a matrix. This transform first stores the newest
 * pair (s, y) in the ring buffers, then computes P_k·g by Nocedal & Wright's Algorithm 7.4, exactly as optax's
 * `scale_by_lbfgs`. The output has a **positive** sign (it approximates H⁻¹g): chain it with `scale(-1)` or a
 * learning rate, and a line search ({@link scaleByZoomLinesearch}), or use {@link lbfgs}. It needs the params.
 * Slots that were never written have ρ = 0 and leave the recursion unchanged. Scalars are computed in float64.
 *
 * ```text
 * k = count,  j = (k − 1) mod m
 * s = θ_k − θ_{k−1},  y = g_k − g_{k−1},  ρ = 1/⟨y, s⟩ (0 if ⟨y, s⟩ = 0)      (all 0 when k = 0)
 * S[j], Y[j], ρ[j] ← s, y, ρ
 * γ = ⟨s, y⟩/⟨y, y⟩ (1 if ⟨y, y⟩ = 0);  k = 0: γ = min(1, 1/‖g_k‖);  scaleInitPrecond false: γ = 1
 * q = g_k
 * for i from newest to oldest:  αᵢ = ρᵢ·⟨Sᵢ, q⟩,  q ← q − αᵢ·Yᵢ
 * r = γ·q
 * for i from oldest to newest:  βᵢ = ρᵢ·⟨Yᵢ, r⟩,  r ← r + (αᵢ − βᵢ)·Sᵢ
 * u_k = r  (= P_k·g_k)
 * ```
 *
 * References: Nocedal & Wright, Numerical Optimization (1999), Algorithms 7.4–7.5; Liu & Nocedal 1989, "On the
 * limited memory BFGS method for large scale optimization", https://doi.org/10.1007/BF01589116
 *
 * @param options - {@link ScaleByLbfgsOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByLbfgsState}.
 * @throws HyperparameterError (a `RangeError`) for a `memorySize` that is not an integer ≥ 1; DescentError from
 * `update` when the params are missing.
 * @example
 * import { scaleByLbfgs, tensor, type Tensor } from 'descent-ts'
 * const tx = scaleByLbfgs({ memorySize: 3 })
 * const params = tensor([1, 1])
 * // On the first step the direction is the gradient scaled by γ = min(1, 1/‖g‖) = 1/5.
 * const [u, state] = tx.update(tensor([3, 4]), tx.init(params), params)
 * assert.deepStrictEqual(u.toArray(), [0.6000000238418579, 0.800000011920929])
 * assert.deepStrictEqual((state.diffParamsMemory as Tensor).shape, [3, 2])
 * @see lbfgs, scaleByZoomLinesearch
 * @category transforms
 * @since 0.1.0
 */
export function scaleByLbfgs(options: ScaleByLbfgsOptions = {}): GradientTransformation<ScaleByLbfgsState> {
  const owner = 'scaleByLbfgs'
  const m = checkInteger(owner, 'options.memorySize', options.memorySize ?? 10, '[1, Infinity)')
  const scaleInit = checkBoolean(owner, 'options.scaleInitPrecond', options.scaleInitPrecond ?? true)
  const spec: StateSpec = {
    count: 'count',
    params: 'tree',
    updates: 'tree',
    diffParamsMemory: 'treeLike',
    diffUpdatesMemory: 'treeLike',
    weightsMemory: (w) =>
      Array.isArray(w) && w.length === m && w.every((x) => typeof x === 'number')
        ? undefined
        : `a list of memorySize = ${m} numbers`,
  }

  return {
    init: (params) => {
      checkParams('scaleByLbfgs.init', params)
      const stacked = tree.map((l) => stackedZeros(m, l), params)
      return {
        count: 0,
        params: tree.zerosLike(params),
        updates: tree.zerosLike(params),
        diffParamsMemory: stacked,
        diffUpdatesMemory: stacked,
        weightsMemory: Array.from({ length: m }, () => 0),
      }
    },
    update: (updates, state, params) => {
      const p = paramsRequired(owner, params)
      checkState(owner, state, spec, updates, p)
      checkMemory('state.diffParamsMemory', state.diffParamsMemory, updates, m)
      checkMemory('state.diffUpdatesMemory', state.diffUpdatesMemory, updates, m)
      const k = state.count
      const memoryIdx = k % m
      const prevIdx = (((k - 1) % m) + m) % m
      // 1. The newest pair (s, y) and its weight; all zero on the first step, where there is no previous point.
      const first = k === 0
      const s = first ? tree.zerosLike<PyTree>(p) : tree.sub<PyTree>(p, state.params)
      const y = first ? tree.zerosLike<PyTree>(updates) : tree.sub<PyTree>(updates, state.updates)
      const sy = tree.vdot(y, s)
      const weight = first || sy === 0 ? 0 : 1 / sy
      const sMem = setRow(state.diffParamsMemory, prevIdx, s)
      const yMem = setRow(state.diffUpdatesMemory, prevIdx, y)
      const rhos = state.weightsMemory.map((r, i) => (i === prevIdx ? weight : r))
      // 2. The scale γ of the initial inverse Hessian γ·I.
      let gamma = 1
      if (scaleInit) {
        if (first) gamma = Math.min(1, 1 / tree.norm(updates))
        else {
          const yy = tree.norm(y, { squared: true })
          gamma = yy > 0 ? sy / yy : 1
        }
      }
      // 3. Two-loop recursion over the slots, newest to oldest then back; each slot's rows are copied out once.
      const order = Array.from({ length: m }, (_, j) => (memoryIdx + j) % m)
      const sRows = order.map((i) => row(sMem, i, p))
      const yRows = order.map((i) => row(yMem, i, updates))
      const alphas = new Array<number>(m).fill(0)
      let q: PyTree = updates
      for (let j = m - 1; j >= 0; j--) {
        alphas[j] = rhos[order[j]!]! * tree.vdot(sRows[j]!, q)
        q = tree.addScale(q, -alphas[j]!, yRows[j]!)
      }
      let r = tree.scale(gamma, q)
      for (let j = 0; j < m; j++) {
        const beta = rhos[order[j]!]! * tree.vdot(yRows[j]!, r)
        r = tree.addScale(r, alphas[j]! - beta, sRows[j]!)
      }
      const next: ScaleByLbfgsState = {
        count: k + 1,
        params: p,
        updates,
        diffParamsMemory: sMem,
        diffUpdatesMemory: yMem,
        weightsMemory: rhos,
      }
      return [r as typeof updates, next]
    },
  }
}
