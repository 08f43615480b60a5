import { markFusible } from '../core/fusion'
import { attachNotes, checkBoolean, checkInRange } from '../core/hyperparams'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import { fromStorage } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, Leaf, PyTree } from '../core/types'
import { adamwFused } from '../kernels/fused/adamwFused'
import { adamScalars, float32Leaves, float32LeavesByKernel } from './_internal/adamKernel'
import { checkDtype, inDtype } from './_internal/accumulatorDtype'
import type { DType } from '../core/tensor'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

/**
 * Options of {@link scaleByAdam}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAdamOptions {
  /**
   * Decay rate of the exponential moving average of the gradients (first moment), in [0, 1).
   * @defaultValue 0.9
   */
  readonly b1?: number
  /**
   * Decay rate of the exponential moving average of the squared gradients (second moment), in [0, 1).
   * @defaultValue 0.999
   */
  readonly b2?: number
  /**
   * Added to the denominator outside the square root, for numerical stability; ≥ 0.
   * @defaultValue 1e-8
   */
  readonly eps?: number
  /**
   * Added to the second moment inside the square root (useful when differentiating through the update); ≥ 0.
   * @defaultValue 0
   */
  readonly epsRoot?: number
  /**
   * Use Nesterov momentum (NAdam, Dozat 2016) in the first moment.
   * @defaultValue false
   */
  readonly nesterov?: boolean
  /**
   * The dtype of the first moment `mu` (optax's `mu_dtype`); `'float64'` keeps the moving average in float64 while
   * the params and gradients are float32.
   * @defaultValue the dtype of each param
   */
  readonly muDtype?: DType | undefined
  /**
   * The dtype of the second moment `nu`: optax has only `mu_dtype`, so `nu` cannot be kept in higher precision there
   * (optax #1552); here it can.
   * @defaultValue the dtype of each param
   */
  readonly nuDtype?: DType | undefined
}

/**
 * State of {@link scaleByAdam}: the step count and the two moments (same structure as the params).
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByAdamState {
  /** Number of updates done so far. */
  readonly count: number
  /** Exponential moving average of the gradients (not bias corrected). */
  readonly mu: PyTree
  /** Exponential moving average of the squared gradients (not bias corrected). */
  readonly nu: PyTree
}

/**
 * Rescales updates by Adam's bias-corrected moment estimates.
 *
 * Keeps exponential moving averages of the gradients and of their squares and divides the first by the square root
 * of the second, both corrected for their zero initialisation. The first update (count 0) is therefore
 * g/(|g| + ε) ≈ sign(g). There is no learning rate here: chain with `scaleByLearningRate` (or use `adam`).
 * The bias-correction factors are computed once per step in float64. On a float32 leaf one fused kernel pass (SIMD
 * WebAssembly for large leaves) computes m′, v′ and the output with float32 rounding at every operation, the
 * bias corrections and hyperparameters rounded to float32 once (what XLA computes for float32 in optax); other
 * leaves are computed in float64 and stored in their dtype.
 *
 * ```text
 * t = count + 1
 * m_t = β₁·m_{t−1} + (1−β₁)·g_t          v_t = β₂·v_{t−1} + (1−β₂)·g_t²
 * m̂_t = m_t/(1−β₁ᵗ)                      (nesterov: m̂_t = β₁·m_t/(1−β₁ᵗ⁺¹) + (1−β₁)·g_t/(1−β₁ᵗ))
 * v̂_t = v_t/(1−β₂ᵗ)
 * u_t = m̂_t / (√(v̂_t + ε̄) + ε)           ε̄ = epsRoot
 * ```
 *
 * References: Kingma & Ba 2014, https://arxiv.org/abs/1412.6980; Dozat 2016 (Nesterov variant),
 * https://openreview.net/pdf?id=OM0jvwB8jIp57ZJjtNEZ
 *
 * @param options - {@link ScaleByAdamOptions}; each value is validated here and never during `update`.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByAdamState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range,
 * e.g. `scaleByAdam options.b1 must be in [0, 1); got 1.2`.
 * @example
 * import { scaleByAdam, tensor } from 'descent-ts'
 * const tx = scaleByAdam()
 * const params = { w: tensor([1, 2, 3]) }
 * const [u, state] = tx.update({ w: tensor([0.5, -3, 8]) }, tx.init(params))
 * // The first step is g/(|g| + ε) ≈ sign(g), whatever the gradient's size.
 * const expected = [1, -1, 1]
 * u.w.dataSync().forEach((x, i) => assert.ok(Math.abs(x - (expected[i] ?? NaN)) < 1e-6))
 * assert.strictEqual(state.count, 1)
 * @see adam, nadam, scaleByAmsgrad, scaleByRms
 * @category transforms
 * @since 0.1.0
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  const owner = 'scaleByAdam'
  const b1 = checkInRange(owner, 'options.b1', options.b1 ?? 0.9, '[0, 1)')
  const b2 = checkInRange(owner, 'options.b2', options.b2 ?? 0.999, '[0, 1)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)')
  const epsRoot = checkInRange(owner, 'options.epsRoot', options.epsRoot ?? 0, '[0, Infinity)')
  const nesterov = checkBoolean(owner, 'options.nesterov', options.nesterov ?? false)
  const muDtype = checkDtype(owner, 'options.muDtype', options.muDtype)
  const nuDtype = checkDtype(owner, 'options.nuDtype', options.nuDtype)
  // A moment in a dtype chosen by the user may differ from the updates' dtype: its structure is still checked.
  const momentSpec = (d: DType | undefined): StateSpec => (d === undefined ? 'tree' : 'treeLike')
  const stateSpec: StateSpec = { count: 'count', mu: momentSpec(muDtype), nu: momentSpec(nuDtype) }

  const hyper = { b1, b2, eps, epsRoot, nesterov }

  const tx: GradientTransformation<ScaleByAdamState> = {
    init: (params) => {
      checkParams('scaleByAdam.init', params)
      return { count: 0, mu: inDtype(tree.zerosLike(params), muDtype), nu: inDtype(tree.zerosLike(params), nuDtype) }
    },
    update: (updates, state, params) => {
      checkState(owner, state, stateSpec, updates, params)
      const t = state.count + 1
      const f32 = float32Leaves([updates, state.mu, state.nu])
      if (f32 !== null) {
        // One kernel pass per leaf: m′, v′ and u into fresh arrays (never into the state passed in).
        const [gs, ms, vs] = f32 as [(typeof f32)[0], (typeof f32)[0], (typeof f32)[0]]
        const c = adamScalars(hyper, t)
        const mOut: Leaf[] = []
        const vOut: Leaf[] = []
        const uOut: Leaf[] = []
        for (let i = 0; i < gs.length; i++) {
          const g = gs[i]!
          const gd = g.data as Float32Array
          const r = adamwFused(gd, gd, ms[i]!.data as Float32Array, vs[i]!.data as Float32Array, c)
          mOut.push(fromStorage(r.m, g.shape))
          vOut.push(fromStorage(r.v, g.shape))
          uOut.push(fromStorage(r.u, g.shape))
        }
        const def = tree.structure(updates)
        const u = tree.unflatten(def, uOut) as typeof updates
        return [u, { count: t, mu: tree.unflatten(def, mOut), nu: tree.unflatten(def, vOut) }]
      }
      // Computed in the promoted dtype (float64 if the moment or the gradient is), then stored in the asked dtype.
      const mu = inDtype(tree.updateMoment<PyTree>(updates, state.mu, b1, 1), muDtype)
      const nu = inDtype(tree.updateMomentPerElemNorm<PyTree>(updates, state.nu, b2, 2), nuDtype)
      // Host-side float64 bias corrections; m̂ and v̂ are never materialised as trees.
      const bc1 = 1 - b1 ** t
      const bc2 = 1 - b2 ** t
      const denom = (v: number) => Math.sqrt(v / bc2 + epsRoot) + eps
      let out: PyTree
      if (nesterov) {
        const bc1Next = 1 - b1 ** (t + 1)
        out = tree.mapElementwiseNamed(
          ['state.mu', 'state.nu', 'updates'],
          (m, v, g) => ((b1 * m) / bc1Next + ((1 - b1) * g) / bc1) / denom(v),
          mu,
          nu,
          updates,
        )
      } else {
        out = tree.mapElementwiseNamed(['state.mu', 'state.nu'], (m, v) => m / bc1 / denom(v), mu, nu)
      }
      if (muDtype !== undefined || nuDtype !== undefined) return [out as typeof updates, { count: t, mu, nu }]
      const [mu32, nu32, out32] = float32LeavesByKernel(
        [updates, state.mu, state.nu],
        [mu, nu, out],
        adamScalars(hyper, t),
      )
      return [out32 as typeof updates, { count: t, mu: mu32, nu: nu32 }]
    },
  }
  // The fused train step assumes moments in the params' dtype: explicit moment dtypes stay out of it.
  const fusible =
    muDtype === undefined && nuDtype === undefined ? markFusible(tx, { kind: 'adamMoments', ...hyper }) : tx
  return attachNotes(fusible, [
    ['swappedBetas', owner, b1, b2],
    ['zeroEps', owner, eps, { epsRoot }],
  ])
}

withHyperparamDefaults(scaleByAdam, 0, { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 })
