/**
 * `GradCheckError`, the error of checkGrads, in a module of its own: the Node entry loads every error class on import
 * (classes cannot be stand-ins), and checkGrads.ts brings the autodiff with it.
 * @since 0.1.0
 */
import { DescentError } from '../core/errors'

/**
 * The error of {@link checkGrads}: an autodiff derivative disagrees with central differences. The message names the
 * mode, the order, the worst argument (`args[0].w`), the analytic and numerical values, and how to fix it; the same
 * facts are fields, and its `code` is `'wrongGradient'`.
 * @example
 * import { DescentError, GradCheckError, checkGrads, customVjp, mul, tensor } from 'descent-ts'
 * const square = customVjp((w) => mul(w, w), (w) => [mul(w, w), w] as const, (w, ct) => [mul(ct, w)]) // wrong: 2w
 * let caught: unknown
 * try { checkGrads((w) => square(w), [tensor(3, 'float64')], { modes: ['rev'] }) } catch (e) { caught = e }
 * assert.ok(caught instanceof GradCheckError && caught instanceof DescentError)
 * assert.strictEqual(caught.path, 'args[0]')
 * assert.strictEqual(caught.analytic, 3) // ∂(w²)/∂w at w = 3 by the wrong rule
 * assert.ok(Math.abs(caught.numeric - 6) < 1e-6) // by central differences
 * @category grad
 * @since 0.1.0
 */
export class GradCheckError extends DescentError {
  /** `'fwd'` (a JVP check failed) or `'rev'` (a VJP check failed). */
  readonly mode: 'fwd' | 'rev'
  /** The derivative order of the failing check (1 for `jvp`/`vjp` of f, 2 for a derivative of those, ...). */
  readonly order: number
  /** What disagreed: the primal output, the tangent (JVP) or the cotangent projection (VJP). */
  readonly check: 'primal' | 'tangent' | 'cotangent'
  /** The worst argument leaf (`args[0].w`), or for a primal mismatch the output leaf (`output[1]`). */
  readonly path: string
  /** The autodiff value at the worst entry. */
  readonly analytic: number
  /** The central-difference (or, for the primal, the f(...args)) value at the worst entry. */
  readonly numeric: number
  constructor(
    message: string,
    details: Pick<GradCheckError, 'mode' | 'order' | 'check' | 'path' | 'analytic' | 'numeric'>,
  ) {
    super(message, { code: 'wrongGradient' })
    this.mode = details.mode
    this.order = details.order
    this.check = details.check
    this.path = details.path
    this.analytic = details.analytic
    this.numeric = details.numeric
  }
}
