import { type EmptyState, identity } from '../core/base'
import { chain } from '../core/chain'
import type { GradientTransformation, ScalarOrSchedule } from '../core/types'
import { scale } from '../transforms/scale'
import { type ScaleByLbfgsOptions, type ScaleByLbfgsState, scaleByLbfgs } from '../transforms/scaleByLbfgs'
import { type ScaleByLearningRateState, scaleByLearningRate } from '../transforms/scaleByLearningRate'
import { type ScaleByZoomLinesearchState, scaleByZoomLinesearch } from '../transforms/scaleByZoomLinesearch'

/**
 * Options of {@link lbfgs}: those of {@link scaleByLbfgs} and the line search.
 * @category optimizers
 * @since 0.1.0
 */
export interface LbfgsOptions extends ScaleByLbfgsOptions {
  /**
   * The line search chained last (it receives −P·g, or −lr·P·g), or `null` for none (fixed steps).
   * @defaultValue scaleByZoomLinesearch({ maxLinesearchSteps: 20, initialGuessStrategy: 'one' })
   */
  // A line search of any state type (GradientTransformation is contravariant in its state).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly linesearch?: GradientTransformation<any> | null
}

/**
 * State of {@link lbfgs}: the L-BFGS memory, the learning-rate state (empty without a learning rate), then the line
 * search's state (a {@link ScaleByZoomLinesearchState} by default, the empty state with `linesearch: null`).
 * @category optimizers
 * @since 0.1.0
 */
export type LbfgsState = readonly [
  ScaleByLbfgsState,
  ScaleByLearningRateState | EmptyState,
  ScaleByZoomLinesearchState | EmptyState,
]

/**
 * L-BFGS: quasi-Newton directions from the last m gradient differences, with a strong-Wolfe line search.
 *
 * `chain(scaleByLbfgs(o), learningRate === undefined ? scale(-1) : scaleByLearningRate(learningRate),
 * linesearch ?? identity())`, exactly as optax's `lbfgs`. By default there is no learning rate and the zoom line
 * search picks the step, starting from 1 (the natural step of a Newton-like direction). `update` then needs the
 * params and the extra arguments `{ value, grad, valueFn }` (or `valueAndGradFn` in place of `valueFn`), see
 * {@link scaleByZoomLinesearch}; {@link valueAndGradFromState} reuses the value and gradient the line search
 * computed at the accepted point. With `linesearch: null` it runs with fixed steps and needs only the params.
 * L-BFGS is meant for deterministic (full-batch) losses; work in float64 for tight tolerances.
 *
 * ```text
 * d_k = P_k·g_k                  (scaleByLbfgs: two-loop recursion over the last m pairs (s, y))
 * u_k = −d_k  or  −α_t·d_k       (α_t = learningRate, or learningRate(count) for a schedule)
 * u_k ← η_k·u_k                  (η_k: strong Wolfe step of the line search)
 * θ_{k+1} = θ_k + u_k
 * ```
 *
 * References: Liu & Nocedal 1989, "On the limited memory BFGS method for large scale optimization",
 * https://doi.org/10.1007/BF01589116; Nocedal & Wright, Numerical Optimization (1999), Algorithms 7.4–7.5, 3.5–3.6
 *
 * @param learningRate - Optional: a positive number or a {@link Schedule}; without one the direction is only negated.
 * @param options - {@link LbfgsOptions} (memorySize 10, scaleInitPrecond true, zoom line search with 20 steps).
 * @returns A {@link GradientTransformation} whose state is an {@link LbfgsState}.
 * @throws HyperparameterError (a `RangeError`) when an option is out of range; DescentError from `update` when the
 * params or the line search's extra arguments are missing.
 * @example
 * import { applyUpdates, lbfgs, ops, square, tensor, valueAndGrad, type Tensor } from 'descent-ts'
 * // Rosenbrock f(x, y) = (1 − x)² + 100·(y − x²)², minimum at [1, 1].
 * const valueFn = (p: Tensor) => {
 *   const [x, y] = [ops.take(p, 0), ops.take(p, 1)]
 *   return ops.add(square(ops.sub(1, x)), ops.mul(100, square(ops.sub(y, square(x)))))
 * }
 * const opt = lbfgs()
 * let params = tensor([0, 0], 'float64')
 * let state = opt.init(params)
 * for (let i = 0; i < 40; i++) {
 *   const [value, grad] = valueAndGrad(valueFn)(params)
 *   const [u, next] = opt.update(grad, state, params, { value: value.item(), grad, valueFn })
 *   params = applyUpdates(params, u)
 *   state = next
 * }
 * for (const x of params.toArray() as number[]) assert.ok(Math.abs(x - 1) < 1e-6)
 * @see scaleByLbfgs, scaleByZoomLinesearch, valueAndGradFromState
 * @category optimizers
 * @since 0.1.0
 */
export function lbfgs(learningRate?: ScalarOrSchedule, options: LbfgsOptions = {}): GradientTransformation<LbfgsState> {
  return chain(
    scaleByLbfgs(options),
    learningRate === undefined ? scale(-1) : scaleByLearningRate(learningRate),
    options.linesearch === undefined
      ? scaleByZoomLinesearch({ maxLinesearchSteps: 20, initialGuessStrategy: 'one' })
      : (options.linesearch ?? identity()),
  )
}
