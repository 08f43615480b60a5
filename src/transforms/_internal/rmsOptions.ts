import { checkBoolean, checkInRange } from '../../core/hyperparams'

/** The options scaleByRms and scaleByStddev share (their public option types document each field). */
export interface RmsOptionsInput {
  readonly decay?: number
  readonly eps?: number
  readonly initialScale?: number
  readonly epsInSqrt?: boolean
  readonly biasCorrection?: boolean
}

/** Defaults and validation of the RMSProp-family options, with errors naming `owner`. */
export function resolveRmsOptions(owner: string, options: RmsOptionsInput): Required<RmsOptionsInput> {
  return {
    decay: checkInRange(owner, 'options.decay', options.decay ?? 0.9, '[0, 1)'),
    eps: checkInRange(owner, 'options.eps', options.eps ?? 1e-8, '[0, Infinity)'),
    initialScale: checkInRange(owner, 'options.initialScale', options.initialScale ?? 0, '[0, Infinity)'),
    epsInSqrt: checkBoolean(owner, 'options.epsInSqrt', options.epsInSqrt ?? true),
    biasCorrection: checkBoolean(owner, 'options.biasCorrection', options.biasCorrection ?? false),
  }
}
