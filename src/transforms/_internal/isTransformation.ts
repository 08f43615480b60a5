import { HyperparameterError } from '../../core/errors'
import type { GradientTransformation } from '../../core/types'

/** @internal True for an object with `init` and `update` functions (how wrappers tell data-first calls apart). */
export const isTransformation = (x: unknown): x is GradientTransformation<unknown> =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { init?: unknown }).init === 'function' &&
  typeof (x as { update?: unknown }).update === 'function'

/** @internal Checks at construction that a wrapper's argument is a transformation. */
export function checkTransformation<S>(
  owner: string,
  name: string,
  x: GradientTransformation<S>,
): GradientTransformation<S> {
  if (!isTransformation(x)) {
    const got = String(x)
    throw new HyperparameterError(`${owner} ${name} must be a GradientTransformation { init, update }; got ${got}`)
  }
  return x
}
