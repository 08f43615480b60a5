import type { TheoremCheck } from '../theorem'
import { BOUND_RELATIVE } from './rounding'

/** An upper-bound check: observed ≤ bound·(1 + 16u) + slack. */
export const upper = (quantity: string, step: number, observed: number, bound: number, slack: number): TheoremCheck => {
  const s = slack + Math.abs(bound) * BOUND_RELATIVE
  return { holds: observed <= bound + s, quantity, step, observed, bound, slack: s, direction: 'upper' }
}

/** A lower-bound check: observed ≥ bound·(1 − 16u) − slack. */
export const lower = (quantity: string, step: number, observed: number, bound: number, slack: number): TheoremCheck => {
  const s = slack + Math.abs(bound) * BOUND_RELATIVE
  return { holds: observed >= bound - s, quantity, step, observed, bound, slack: s, direction: 'lower' }
}
