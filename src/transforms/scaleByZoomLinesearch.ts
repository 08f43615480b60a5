import { HyperparameterError } from '../core/errors'
import { checkInRange, checkInteger } from '../core/hyperparams'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'
import * as tree from '../core/tree'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { linesearchArgs } from './_internal/linesearchArgs'
import { zoomLinesearch } from './_internal/linesearchZoom'
import { paramsRequired } from './_internal/paramsRequired'
import { withHyperparamDefaults } from '../core/hyperparamDefaults'

const STATE: StateSpec = {
  learningRate: 'number',
  value: 'number',
  grad: 'tree',
  info: { numLinesearchSteps: 'count', decreaseError: 'number', curvatureError: 'number' },
}

/**
 * Options of {@link scaleByZoomLinesearch}.
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByZoomLinesearchOptions {
  /** Maximum number of function evaluations per line search; an integer ≥ 1. Required. */
  readonly maxLinesearchSteps: number
  /**
   * Largest step size tried (> 0); `undefined` for none. A bound may prevent satisfying the curvature condition,
   * which can require large steps.
   * @defaultValue undefined
   */
  readonly maxLearningRate?: number
  /**
   * Absolute tolerance ε on both conditions; ≥ 0.
   * @defaultValue 0
   */
  readonly tol?: number
  /**
   * Factor (> 1) by which the step grows while searching for an interval that contains an acceptable step.
   * @defaultValue 2
   */
  readonly increaseFactor?: number
  /**
   * c₁ of the sufficient decrease (Armijo) condition, in (0, 1).
   * @defaultValue 1e-4
   */
  readonly slopeRtol?: number
  /**
   * c₂ of the curvature condition, in (0, ∞]; `Infinity` turns the search into a backtracking on sufficient
   * decrease with interpolation.
   * @defaultValue 0.9
   */
  readonly curvRtol?: number
  /**
   * c₃ of Hager & Zhang's approximate decrease test (used once f(θ + ηu) ≤ f(θ) + c₃|f(θ)|), ≥ 0; `null` keeps
   * only the Armijo condition.
   * @defaultValue 1e-6
   */
  readonly approxDecRtol?: number | null
  /**
   * Once the bracketing interval is shorter than this and a step with sufficient decrease is known, that step is
   * taken even if the curvature condition does not hold; ≥ 0.
   * @defaultValue 1e-5
   */
  readonly stepsizePrecision?: number
  /**
   * First step size tried: `'keep'` starts from the previous accepted one (advised with SGD), `'one'` from 1
   * (advised with Newton and quasi-Newton directions such as L-BFGS).
   * @defaultValue 'keep'
   */
  readonly initialGuessStrategy?: 'keep' | 'one'
}

/**
 * Diagnostics of the last line search of {@link scaleByZoomLinesearch}: 0 errors mean both conditions hold.
 * @category transforms
 * @since 0.1.0
 */
export interface ZoomLinesearchInfo {
  /** Number of function evaluations. */
  readonly numLinesearchSteps: number
  /** How much the sufficient decrease condition is violated (0 when it holds). */
  readonly decreaseError: number
  /** How much the curvature condition is violated (0 when it holds). */
  readonly curvatureError: number
}

/**
 * State of {@link scaleByZoomLinesearch}: the accepted step size, and the value and gradient at the accepted point
 * (reusable for the next step with {@link valueAndGradFromState}).
 * @category transforms
 * @since 0.1.0
 */
export interface ScaleByZoomLinesearchState {
  /** The step size η accepted by the last line search (1 before the first). */
  readonly learningRate: number
  /** The loss at θ + η·u (Infinity before the first step). */
  readonly value: number
  /** The gradient at θ + η·u (zeros before the first step). */
  readonly grad: PyTree
  /** Diagnostics of the last line search. */
  readonly info: ZoomLinesearchInfo
}

/**
 * Scales the updates by a step size that satisfies the strong Wolfe conditions (zoom line search).
 *
 * Searches along the incoming direction u (which must be a descent direction, ⟨u, ∇f(θ)⟩ < 0) for a step η with
 * sufficient decrease and small curvature, by Nocedal & Wright's bracketing (Algorithm 3.5) and zoom with
 * cubic/quadratic interpolation (Algorithm 3.6), as optax's `scale_by_zoom_linesearch`. Near a minimum, where the
 * Armijo test drowns in rounding, it switches to Hager & Zhang's approximate sufficient decrease. When no step
 * satisfies both within `maxLinesearchSteps` evaluations, it takes the best step with sufficient decrease seen (η = 0
 * if the loss was never finite) and reports the violation in `info`.
 *
 * `update` needs the params and, in the extra arguments, `value` (the loss at θ), `grad` (its gradient) and
 * `valueFn` (the loss as a function of params, written with ops: trial points are differentiated with
 * `valueAndGrad`) — or `valueAndGradFn` (a function returning `[loss, gradient]`) in place of `valueFn`.
 *
 * ```text
 * φ(η) = f(θ + η·u),   φ'(η) = ⟨∇f(θ + η·u), u⟩
 * sufficient decrease:  φ(η) ≤ φ(0) + c₁·η·φ'(0) + ε
 *   or (Hager–Zhang, when φ(η) ≤ φ(0) + c₃·|φ(0)|):  φ'(η) ≤ (2c₁ − 1)·φ'(0) + ε
 * curvature:            |φ'(η)| ≤ c₂·|φ'(0)| + ε
 * u_out = η·u
 * ```
 *
 * References: Nocedal & Wright, Numerical Optimization (1999), Algorithms 3.5–3.6; Hager & Zhang 2006, "Algorithm
 * 851: CG_DESCENT", https://doi.org/10.1145/1132973.1132979
 *
 * @param options - {@link ScaleByZoomLinesearchOptions}, or `maxLinesearchSteps` alone.
 * @returns A {@link GradientTransformation} whose state is a {@link ScaleByZoomLinesearchState}.
 * @throws HyperparameterError (a `RangeError`) for an option out of range; DescentError from `update` when the
 * params, `value`, `grad` or `valueFn` are missing.
 * @example
 * import { applyUpdates, chain, ops, scale, scaleByZoomLinesearch, square, tensor, type Tensor } from 'descent-ts'
 * const f = (x: Tensor) => ops.sum(square(x)) // ‖x‖², gradient 2x, minimum at 0
 * const grad = (x: Tensor) => ops.mul(2, x)
 * const tx = chain(scale(-1), scaleByZoomLinesearch({ maxLinesearchSteps: 15 }))
 * let params = tensor([1, 2, 3], 'float64')
 * const [u] = tx.update(grad(params), tx.init(params), params, {
 *   value: f(params).item(), grad: grad(params), valueFn: f,
 * })
 * params = applyUpdates(params, u)
 * // Along −∇f the exact minimiser is η = 1/2; the interpolation finds it in one zoom step.
 * assert.ok(f(params).item() < 1e-20)
 * @see lbfgs, scaleByLbfgs, valueAndGradFromState
 * @category transforms
 * @since 0.1.0
 */
export function scaleByZoomLinesearch(
  options: number | ScaleByZoomLinesearchOptions,
): GradientTransformation<ScaleByZoomLinesearchState> {
  const owner = 'scaleByZoomLinesearch'
  const o: ScaleByZoomLinesearchOptions = typeof options === 'number' ? { maxLinesearchSteps: options } : options
  const stepsName = typeof options === 'number' ? 'maxLinesearchSteps' : 'options.maxLinesearchSteps'
  const maxSteps = checkInteger(owner, stepsName, o.maxLinesearchSteps, '[1, Infinity)')
  const maxStepsize =
    o.maxLearningRate === undefined
      ? undefined
      : checkInRange(owner, 'options.maxLearningRate', o.maxLearningRate, '(0, Infinity]')
  const tol = checkInRange(owner, 'options.tol', o.tol ?? 0, '[0, Infinity)')
  const increaseFactor = checkInRange(owner, 'options.increaseFactor', o.increaseFactor ?? 2, '(1, Infinity)')
  const slopeRtol = checkInRange(owner, 'options.slopeRtol', o.slopeRtol ?? 1e-4, '(0, 1)')
  const curvRtol = checkInRange(owner, 'options.curvRtol', o.curvRtol ?? 0.9, '(0, Infinity]')
  const approxDecRtol =
    o.approxDecRtol === null
      ? null
      : checkInRange(owner, 'options.approxDecRtol', o.approxDecRtol ?? 1e-6, '[0, Infinity)')
  const intervalThreshold = checkInRange(
    owner,
    'options.stepsizePrecision',
    o.stepsizePrecision ?? 1e-5,
    '[0, Infinity)',
  )
  const strategy = o.initialGuessStrategy ?? 'keep'
  if (strategy !== 'keep' && strategy !== 'one') {
    throw new HyperparameterError(
      `${owner} options.initialGuessStrategy must be 'keep' or 'one'; got ${String(strategy)}`,
    )
  }
  const cfg = { maxSteps, maxStepsize, tol, increaseFactor, slopeRtol, curvRtol, approxDecRtol, intervalThreshold }

  return {
    init: (params) => (
      checkParams('scaleByZoomLinesearch.init', params),
      {
        learningRate: 1,
        value: Infinity,
        grad: tree.zerosLike(params),
        info: { numLinesearchSteps: 0, decreaseError: Infinity, curvatureError: Infinity },
      }
    ),
    update: <P extends PyTree>(updates: P, state: ScaleByZoomLinesearchState, params?: P, extra?: ExtraArgs) => {
      const p = paramsRequired(owner, params)
      checkState(owner, state, STATE, updates, p)
      const { value, grad, valueAndGradFn } = linesearchArgs(owner, extra)
      const stepsizeGuess = strategy === 'one' ? 1 : state.learningRate
      const r = zoomLinesearch(cfg, { params: p, updates, value, grad, stepsizeGuess, valueAndGradFn })
      const next: ScaleByZoomLinesearchState = {
        learningRate: r.stepsize,
        value: r.value,
        grad: r.grad,
        info: { numLinesearchSteps: r.count, decreaseError: r.decreaseError, curvatureError: r.curvatureError },
      }
      return [tree.scale(r.stepsize, updates), next] as const
    },
  }
}

// injectHyperparams names the positional number as optax does (not 'learningRate').
withHyperparamDefaults(scaleByZoomLinesearch, 0, {}, ['maxLinesearchSteps'])
