import { DescentError } from '../../core/errors'
import type { PyTree } from '../../core/types'

/** @internal How a {@link paramsRequired} message explains the need and names the chains that hold `owner`. */
export interface ParamsRequiredHint {
  /** Said after "needs the params", e.g. `' (for weight decay)'`. */
  readonly why?: string
  /** Inside the parentheses after "When it is part of a chain", e.g. `'e.g. adamw'`. */
  readonly chain?: string
}

/**
 * @internal Throws a DescentError saying that `owner` needs the params (optax's NO_PARAMS_MSG) when they are missing.
 */
export function paramsRequired<P extends PyTree>(
  owner: string,
  params: P | undefined,
  { why = '', chain = 'or of an optimizer such as lamb, lars or adafactor' }: ParamsRequiredHint = {},
): P {
  if (params !== undefined) return params
  throw new DescentError(
    `${owner} needs the params${why}: call update(updates, state, params). When it is part of a chain (${chain}), ` +
      "pass params as the third argument of the chain's update.",
  )
}
