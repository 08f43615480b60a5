/**
 * The stable names of the failure modes descent detects (DESIGN.md, "Diagnostics"). Codes are added, never renamed.
 * @category train
 * @since 0.2.0
 */
export type DiagnosisCode =
  | 'nonFinite'
  | 'lossDiverging'
  | 'lrTooHigh'
  | 'oscillation'
  | 'noProgress'
  | 'paramsNotUpdated'
  | 'vanishingGradient'
  | 'explodingGradient'
  | 'deadUnits'
  | 'disconnectedParam'
  | 'detachedLoss'
  | 'suspiciousBroadcast'
  | 'illConditioned'
  | 'suspiciousHyperparameter'
  | 'scheduleOverridden'
  | 'wrongGradient'
  | 'stateMutated'
  | 'stateNotUpdated'

/**
 * A named finding about a training run: what went wrong (`code`, `message`), where (`step`, `path` of the pytree leaf
 * involved) and what to do about it (`fix`). An `error` means the run cannot go on as it is (`fit` stops on one unless
 * told otherwise); a `warning` means it can, probably badly.
 * @example
 * import type { Diagnosis } from 'descent-ts'
 * const d: Diagnosis = {
 *   code: 'nonFinite', severity: 'error', step: 12, path: 'grads.w',
 *   message: 'the gradient is NaN at grads.w', fix: 'look for log(0) or 0/0 in the loss',
 * }
 * assert.strictEqual(d.code, 'nonFinite')
 * @category train
 * @since 0.2.0
 */
export interface Diagnosis {
  readonly code: DiagnosisCode
  readonly severity: 'error' | 'warning'
  readonly step?: number
  readonly path?: string
  readonly message: string
  readonly fix: string
}
