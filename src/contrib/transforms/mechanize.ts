import { checkInRange, checkInteger } from '../../core/hyperparams'
import { type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import * as tree from '../../core/tree'
import type { GradientTransformation, PyTree } from '../../core/types'
import { checkTransformation } from '../../transforms/_internal/isTransformation'
import { paramsRequired } from '../../transforms/_internal/paramsRequired'
import { copyLeaves } from '../_internal/copyLeaves'
import { withHyperparamDefaults } from '../../core/hyperparamDefaults'

/**
 * Options of {@link mechanize}.
 * @category contrib
 * @since 0.1.0
 */
export interface MechanizeOptions {
  /** Mechanic's own weight decay λ (not the inner optimizer's); ≥ 0. @defaultValue 1e-2 */
  readonly weightDecay?: number
  /** ε of the divisions; > 0. @defaultValue 1e-8 */
  readonly eps?: number
  /** Initial scale s₀ of every β; > 0. @defaultValue 1e-6 */
  readonly sInit?: number
  /** Number n of decays βᵢ = 1 − 0.1ⁱ, i = 1..n; an integer ≥ 1. @defaultValue 6 */
  readonly numBetas?: number
}

/**
 * State of {@link mechanize}.
 * @category contrib
 * @since 0.1.0
 */
export interface MechanizeState<S = unknown> {
  /** The inner optimizer's state. */
  readonly baseOptimizerState: S
  /** Steps taken. */
  readonly count: number
  /** Per β: the reward r. */
  readonly r: readonly number[]
  /** Per β: the running max m of |h|. */
  readonly m: readonly number[]
  /** Per β: the sum v of h². */
  readonly v: readonly number[]
  /** Per β: the scale s (the learned step is Σ s). */
  readonly s: readonly number[]
  /** The params x₀ at the first update (the scale multiplies the distance from them). */
  readonly x0: PyTree
}

const perBeta =
  (n: number) =>
  (v: unknown): string | undefined =>
    Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')
      ? undefined
      : `an array of ${n} numbers (one per β)`

/**
 * Mechanic: learns a scale for the updates of any optimizer, so that its learning rate (or schedule's peak) can be
 * left at 1. The params are x₀ − (Σ s)·Δ, where Δ accumulates the inner updates and each s learns its value by coin
 * betting on h = ⟨g + decay, Δ⟩ at one of n decays.
 *
 * ```text
 * S = Σᵢ sᵢ,   g ← g + λ·S·‖g‖/(‖x‖ + ε)·x,   Δ_prev = (x₀ − x)/(S + ε),   Δ = Δ_prev − u_inner,   h = ⟨g, Δ_prev⟩
 * βᵢ = 1 − 0.1ⁱ:  mᵢ ← max(βᵢ·mᵢ, |h| + ε),  vᵢ ← βᵢ²·vᵢ + h²,  rᵢ ← βᵢ·rᵢ + clamp(h, −mᵢ_old, mᵢ_old)·sᵢ_old
 * sᵢ ← (s₀/n·mᵢ + max(rᵢ, 0))/(√vᵢ + ε),   u = x₀ − (Σ sᵢ)·Δ − x
 * ```
 *
 * x₀ is the params at the first update (not at `init`), so params loaded after `init` are the ones kept. The inner
 * optimizer gets the raw gradients (before Mechanic's decay).
 *
 * References: Cutkosky, Defazio & Mehta 2023, "Mechanic: A Learning Rate Tuner", https://arxiv.org/abs/2306.00144
 *
 * @param baseOptimizer - The optimizer whose updates are scaled (e.g. `adam(1)` or `sgd(schedule)`).
 * @param options - {@link MechanizeOptions} (weightDecay 1e-2, eps 1e-8, sInit 1e-6, numBetas 6).
 * @returns A {@link GradientTransformation} whose state is a {@link MechanizeState}; `update` needs the params.
 * @example
 * import { applyUpdates, contrib, sgd, tensor } from 'descent-ts'
 * const opt = contrib.mechanize(sgd(1), { weightDecay: 0 })
 * const x = tensor([2], 'float64')
 * // first step: Δ_prev = 0, so h = 0, m = ε, v = 0 and each sᵢ = (s₀/n)·ε/ε: x₁ = x₀ + (Σ sᵢ)·u_sgd = 2 − 1e-6·2
 * const [u] = opt.update(tensor([2], 'float64'), opt.init(x), x)
 * assert.ok(Math.abs((applyUpdates(x, u).toArray() as number[])[0]! - (2 - 2e-6)) < 1e-15)
 * @see sam, scheduleFree
 * @category contrib
 * @since 0.1.0
 */
export function mechanize<S>(
  baseOptimizer: GradientTransformation<S>,
  options: MechanizeOptions = {},
): GradientTransformation<MechanizeState<S>> {
  const owner = 'mechanize'
  checkTransformation(owner, 'baseOptimizer', baseOptimizer as GradientTransformation<unknown>)
  const wd = checkInRange(owner, 'options.weightDecay', options.weightDecay ?? 1e-2, '[0, Infinity)')
  const eps = checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '(0, Infinity)')
  const sInit = checkInRange(owner, 'options.sInit', options.sInit ?? 1e-6, '(0, Infinity)')
  const n = checkInteger(owner, 'options.numBetas', options.numBetas ?? 6, '[1, Infinity)')
  const betas = Array.from({ length: n }, (_, i) => 1 - 0.1 ** (i + 1))
  const each = perBeta(n)
  const STATE: StateSpec = { baseOptimizerState: 'any', count: 'count', r: each, m: each, v: each, s: each, x0: 'tree' }

  return {
    init: (params) => ({
      baseOptimizerState: baseOptimizer.init(params),
      count: 0,
      r: betas.map(() => 0),
      m: betas.map(() => 0),
      v: betas.map(() => 0),
      s: betas.map(() => sInit),
      x0: copyLeaves(checkParams('contrib.mechanize.init', params)),
    }),
    update: (updates, state, params, extra) => {
      const x = paramsRequired(owner, params, { chain: 'contrib.mechanize(opt)' })
      checkState(owner, state, STATE, updates, x)
      const [inner, baseOptimizerState] = baseOptimizer.update(updates, state.baseOptimizerState, x, extra)
      // Training loops often load pre-trained weights after init: start from the params actually used.
      const x0 = state.count === 0 ? copyLeaves(x) : state.x0
      const sSum = state.s.reduce((a, b) => a + b, 0)
      const decay = (wd * sSum * tree.norm(updates)) / (tree.norm(x) + eps)
      const g = tree.mapElementwiseNamed(['updates', 'params'], (gi, p) => gi + decay * p, updates, x)
      const deltaPrev = tree.mapElementwiseNamed(['params', 'state.x0'], (p, p0) => (p0 - p) / (sSum + eps), x, x0)
      const h = tree.vdot(g, deltaPrev)
      const m = betas.map((b, i) => Math.max(b * state.m[i]!, Math.abs(h) + eps))
      const v = betas.map((b, i) => b * b * state.v[i]! + h * h)
      const r = betas.map((b, i) => b * state.r[i]! + Math.min(Math.max(h, -state.m[i]!), state.m[i]!) * state.s[i]!)
      const s = betas.map((_, i) => ((sInit / n) * m[i]! + Math.max(r[i]!, 0)) / (Math.sqrt(v[i]!) + eps))
      const scale = s.reduce((a, b) => a + b, 0)
      const out = tree.mapElementwiseNamed(
        ['state.x0', 'deltaPrev', 'baseOptimizer updates', 'params'],
        (p0, d, u, p) => p0 - scale * (d - u) - p,
        x0,
        deltaPrev,
        inner,
        x,
      )
      return [out as typeof updates, { baseOptimizerState, count: state.count + 1, r, m, v, s, x0 }]
    },
  }
}

withHyperparamDefaults(mechanize, 1, { weightDecay: 0.01, eps: 1e-8, sInit: 1e-6 })
