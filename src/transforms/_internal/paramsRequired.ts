import { DescentError } from '../../core/errors'
import type { PyTree } from '../../core/types'

/**
 * @internal Throws a DescentError saying that `owner` needs the params (optax's NO_PARAMS_MSG) when they are missing.
 */
export function paramsRequired<P extends PyTree>(owner: string, params: P | undefined): P {
  if (params !== undefined) return params
  throw new DescentError(
    `${owner} needs the params: call update(updates, state, params). When it is part of a chain (or of an optimizer ` +
      "such as lamb, lars or adafactor), pass params as the third argument of the chain's update.",
  )
}
