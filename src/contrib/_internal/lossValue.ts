import { DescentError } from '../../core/errors'
import type { ExtraArgs } from '../../core/types'

/** The loss at params from `extra.value`, or an error that says how to pass it (Momo needs it at every step). */
export function lossValue(owner: string, extra: ExtraArgs | undefined): number {
  const value: unknown = extra?.value
  if (typeof value !== 'number') {
    const hint = typeof value === 'object' && value !== null ? ' (a Tensor loss: pass loss.item())' : ''
    throw new DescentError(
      `${owner} needs the loss value at params: call tx.update(grads, state, params, { value: loss })${hint}; ` +
        `got value = ${String(value)}`,
    )
  }
  return value
}
