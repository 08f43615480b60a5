import { checkBoolean, checkInRange, checkInteger } from '../core/hyperparams'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { linesearchArgs } from './_internal/linesearchArgs'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

const INFO: StateSpec = { numLinesearchSteps: 'count', decreaseError: 'number' }
const isNull = (v: unknown): string | undefined => (v === null ? undefined : 'null (storeGrad is false)')
const STATE_WITH_GRAD: StateSpec = { learningRate: 'number', value: 'number', grad: 'tree', info: INFO }
const STATE_NO_GRAD: StateSpec = { learningRate: 'number', value: 'number', grad: isNull, info: INFO }

/**
 * Options of {@link scaleByBacktrackingLinesearch}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByBacktrackingLinesearchOptions {
  /** Maximum number of times the step is shrunk (an integer ≥ 0; at most this + 1 evaluations). Required. */
  readonly maxBacktrackingSteps: number
  /**
   * c of the sufficient decrease (Armijo) condition, in (0, 1).
   * @defaultValue 1e-4
   */
  readonly slopeRtol?: number
  /**
   * Factor in (0, 1) by which the step shrinks while the condition fails.
   * @defaultValue 0.8
   */
  readonly decreaseFactor?: number
  /**
   * Factor (≥ 1, or Infinity) applied to the previous accepted step to make the first guess: 1 keeps it, Infinity
   * starts every search from `maxLearningRate`.
   * @defaultValue 1.5
   */
  readonly increaseFactor?: number
  /**
   * Largest step tried (> 0, finite): the first guess is clipped to it.
   * @defaultValue 1
   */
  readonly maxLearningRate?: number
  /**
   * Absolute tolerance ε of the condition; ≥ 0.
   * @defaultValue 0
   */
  readonly atol?: number
  /**
   * Relative tolerance δ of the condition; ≥ 0.
   * @defaultValue 0
   */
  readonly rtol?: number
  /**
   * Also compute and keep the gradient at the accepted point (one gradient evaluation per search), so that
   * {@link valueAndGradFromState} can reuse it; otherwise `state.grad` is `null` and only values are computed.
   * @defaultValue false
   */
  readonly storeGrad?: boolean
}

/**
 * Diagnostics of the last search of {@link scaleByBacktrackingLinesearch}.
 * @category transforms
 * @since 0.1.0
 */
export interface BacktrackingLinesearchInfo {
  /** Number of function evaluations. */
  readonly numLinesearchSteps: number
  /** How much the sufficient decrease condition is violated at the step taken (0 when it holds). */
  readonly decreaseError: number
}

/**
 * State of {@link scaleByBacktrackingLinesearch}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByBacktrackingLinesearchState {
  /** The step size η taken by the last search (1 before the first; 0 after a search where the loss was never finite). */
  readonly learningRate: number
  /** The loss at the last point evaluated, θ + η·u (Infinity before the first step). */
  readonly value: number
  /** The gradient there with `storeGrad` (zeros before the first step), else `null`. */
  readonly grad: PyTree | null
  /** Diagnostics of the last search. */
  readonly info: BacktrackingLinesearchInfo
}

/**
 * Scales the updates by a step size with sufficient decrease (Armijo condition), found by backtracking.
 *
 * Starts from η₀ = min(increaseFactor·η_prev, maxLearningRate) and multiplies η by `decreaseFactor` until the
 * condition below holds or `maxBacktrackingSteps` reductions were made, as optax's `scale_by_backtracking_linesearch`.
 * The incoming direction u must be a descent direction (⟨u, ∇f(θ)⟩ < 0), e.g. −∇f. When the loss is never finite
 * along the search, the step is 0 and `info.decreaseError` is Infinity; when the condition still fails after the last
 * reduction, that smallest step is taken and `info.decreaseError` > 0 says by how much it fails.
 *
 * `update` needs the params and, in the extra arguments, `value` (the loss at θ), `grad` (its gradient) and
 * `valueFn` (the loss as a function of params) — or `valueAndGradFn` (a function returning `[loss, gradient]`).
 *
 * ```text
 * s = ⟨u, ∇f(θ)⟩
 * η₀ = min(increaseFactor·η_prev, maxLearningRate),  η_{i+1} = decreaseFactor·η_i
 * decreaseError(η) = max(0, f(θ + η·u) − (1 + δ)·f(θ) − c·η·s)     (NaN ↦ ∞)
 * accept the first η_i with decreaseError(η_i) ≤ ε, i ≤ maxBacktrackingSteps
 * u_out = η·u
 * ```
 *
 * Difference from optax: after a search that ended with η = 0 (loss never finite), the next search starts again
 * from `maxLearningRate` (optax's guess increaseFactor·0 = 0 would keep the step at 0 for good). optax's `verbose`
 * printing is not implemented: read `state.info`.
 *
 * References: Nocedal & Wright, Numerical Optimization (1999), Algorithm 3.1; Vaswani et al. 2019, "Painless
 * Stochastic Gradient", https://arxiv.org/abs/1905.09997
 *
 * @param options - {@link ScaleByBacktrackingLinesearchOptions}, or `maxBacktrackingSteps` alone.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByBacktrackingLinesearchState}.
 * @throws HyperparameterError (a `RangeError`) for an option out of range; DescentError from `update` when the
 * params, `value`, `grad` or `valueFn` are missing.
 * @example
 * import { applyUpdates, chain, ops, scale, scaleByBacktrackingLinesearch, square, tensor, type Tensor } from 'descent-ts'
 * const f = (x: Tensor) => ops.sum(square(x)) // ‖x‖², gradient 2x
 * const tx = chain(scale(-1), scaleByBacktrackingLinesearch({ maxBacktrackingSteps: 15, decreaseFactor: 0.5 }))
 * const params = tensor([1, 2], 'float64')
 * const grad = ops.mul(2, params)
 * const [u, state] = tx.update(grad, tx.init(params), params, { value: f(params).item(), grad, valueFn: f })
 * // η = 1 lands on −x (no decrease); η = 1/2 lands on the minimum.
 * assert.equal(state[1].learningRate, 0.5)
 * assert.deepEqual(applyUpdates(params, u).toArray(), [0, 0])
 * @see scaleByZoomLinesearch, valueAndGradFromState
 * @category transforms
 * @since 0.1.0
 */
export function scaleByBacktrackingLinesearch(
  options: number | ScaleByBacktrackingLinesearchOptions,
): GradientTransformation<ScaleByBacktrackingLinesearchState> {
  const owner = 'scaleByBacktrackingLinesearch'
  const o: ScaleByBacktrackingLinesearchOptions =
    typeof options === 'number' ? { maxBacktrackingSteps: options } : options
  const stepsName = typeof options === 'number' ? 'maxBacktrackingSteps' : 'options.maxBacktrackingSteps'
  const maxSteps = checkInteger(owner, stepsName, o.maxBacktrackingSteps, '[0, Infinity)')
  const slopeRtol = checkInRange(owner, 'options.slopeRtol', o.slopeRtol ?? 1e-4, '(0, 1)')
  const decreaseFactor = checkInRange(owner, 'options.decreaseFactor', o.decreaseFactor ?? 0.8, '(0, 1)')
  const increaseFactor = checkInRange(owner, 'options.increaseFactor', o.increaseFactor ?? 1.5, '[1, Infinity]')
  const maxLr = checkInRange(owner, 'options.maxLearningRate', o.maxLearningRate ?? 1, '(0, Infinity)')
  const atol = checkInRange(owner, 'options.atol', o.atol ?? 0, '[0, Infinity)')
  const rtol = checkInRange(owner, 'options.rtol', o.rtol ?? 0, '[0, Infinity)')
  const storeGrad = checkBoolean(owner, 'options.storeGrad', o.storeGrad ?? false)
  const spec = storeGrad ? STATE_WITH_GRAD : STATE_NO_GRAD

  return {
    init: (params) => (
      checkParams(`${owner}.init`, params),
      {
        learningRate: 1,
        value: Infinity,
        grad: storeGrad ? tree.zerosLike(params) : null,
        info: { numLinesearchSteps: 0, decreaseError: Infinity },
      }
    ),
    update: <P extends PyTree>(
      updates: P,
      state: ScaleByBacktrackingLinesearchState,
      params?: P,
      extra?: ExtraArgs,
    ) => {
      const p = paramsRequired(owner, params)
      checkState(owner, state, spec, updates, p)
      const { value, grad, valueFn, valueAndGradFn } = linesearchArgs(owner, extra)
      const slope = tree.vdot(updates, grad)
      const decreaseError = (eta: number, newValue: number): number => {
        const e = newValue - (1 + rtol) * value - eta * slopeRtol * slope
        return Number.isNaN(e) ? Infinity : Math.max(e, 0)
      }
      const previous = state.learningRate > 0 ? state.learningRate : maxLr
      let eta = Math.min(increaseFactor * previous, maxLr)
      let newValue = value
      let error = Infinity
      let count = 0
      for (;;) {
        newValue = valueFn(tree.addScale(p, eta, updates))
        error = decreaseError(eta, newValue)
        count++
        if (error <= atol || count > maxSteps) break
        eta *= decreaseFactor
      }
      const step = error === Infinity ? 0 : eta
      const next: ScaleByBacktrackingLinesearchState = {
        learningRate: step,
        value: newValue,
        grad: storeGrad ? valueAndGradFn(tree.addScale(p, eta, updates))[1] : null,
        info: { numLinesearchSteps: count, decreaseError: error },
      }
      return [tree.scale(step, updates), next] as const
    },
  }
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(scaleByBacktrackingLinesearch, 0, {}, ['maxBacktrackingSteps'])
