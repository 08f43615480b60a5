/**
 * `GradFnCheckError`, the error of checkGradFn, in a module of its own: the Node entry loads every error class on
 * import (classes cannot be stand-ins), and checkGradFn.ts brings the autodiff with it.
 * @since 0.2.0
 */
import { DescentError } from '../core/errors'

/**
 * The error of {@link checkGradFn} (code `'wrongGradient'`): a hand-written gradient entry disagrees with the
 * reference (central differences in float64, or autodiff for entries not differenced). The message names the entry,
 * the two values and the relative error; the same facts are fields.
 * @example
 * import { GradFnCheckError, checkGradFn, mul, tensor } from 'descent-ts'
 * let caught: unknown
 * try { checkGradFn((w) => mul(w, w), (w) => w, [tensor(3, 'float64')]) } catch (e) { caught = e }
 * assert.ok(caught instanceof GradFnCheckError && caught.code === 'wrongGradient')
 * assert.strictEqual(caught.path, 'args[0]')
 * assert.strictEqual(caught.handWritten, 3)
 * assert.ok(Math.abs(caught.reference - 6) < 1e-6)
 * @category grad
 * @since 0.2.0
 */
export class GradFnCheckError extends DescentError {
  /** The argument leaf (`args[0].w`). */
  readonly path: string
  /** The entry inside the leaf (`[1, 2]`; empty for a scalar). */
  readonly entry: string
  /** The hand-written value. */
  readonly handWritten: number
  /** The reference value: central differences where computed, else autodiff. */
  readonly reference: number
  /** |handWritten − reference| / max(|handWritten|, |reference|). */
  readonly relativeError: number
  /** The autodiff value of the entry, or null when autodiff cannot differentiate `f`. */
  readonly autodiff: number | null
  constructor(
    message: string,
    details: Pick<GradFnCheckError, 'path' | 'entry' | 'handWritten' | 'reference' | 'relativeError' | 'autodiff'>,
  ) {
    super(message, { code: 'wrongGradient' })
    this.path = details.path
    this.entry = details.entry
    this.handWritten = details.handWritten
    this.reference = details.reference
    this.relativeError = details.relativeError
    this.autodiff = details.autodiff
  }
}
