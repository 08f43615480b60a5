import { type HyperparameterNote, type NoteSpec, rawNotesOf } from './hyperparams'
import type { ScalarOrSchedule } from './types'

/** A `suspiciousHyperparameter` warning about the hyperparameters `about`. */
const suspicious = (about: readonly string[], message: string, fix: string): HyperparameterNote =>
  Object.freeze({
    diagnosis: Object.freeze({ code: 'suspiciousHyperparameter' as const, severity: 'warning' as const, message, fix }),
    about: Object.freeze([...about]),
  })

/**
 * @internal The hyperparameter warnings, by kind: each turns the facts a factory attached (attachNotes' records, as
 * `['zeroEps', owner, eps, guards]`) into its {@link HyperparameterNote}, or undefined when the values are fine. The
 * conditions and texts live here, with the readers (hyperparameterDiagnoses, injectHyperparams), so that an app that
 * never reads the warnings does not carry them.
 */
export const NOTE_RULES = {
  /** A constant learning rate ≤ 0 does not descend: −α·g with α ≤ 0 (flipSign: false is deliberate). */
  learningRate: (lr: ScalarOrSchedule, flip: boolean): HyperparameterNote | undefined => {
    if (!flip || typeof lr !== 'number' || lr > 0) return undefined // a schedule is not called: construction is pure
    return suspicious(
      ['learningRate'],
      lr === 0
        ? 'learningRate = 0: every update is 0, so nothing trains'
        : `learningRate = ${lr} < 0: the update −α·g = +${-lr}·g climbs the loss instead of descending it`,
      'pass a positive learning rate (e.g. 1e-3 for adam, 0.1 for sgd); descent already subtracts α·g',
    )
  },
  trace: (decay: number, name: string): HyperparameterNote | undefined =>
    decay === 1
      ? suspicious(
          ['decay'],
          `trace ${name} = 1 sums every past update without forgetting (tr_t = Σ g), so the steps never settle`,
          'use a decay < 1, e.g. 0.9; for heavy-ball momentum use sgd(lr, { momentum: 0.9 })',
        )
      : undefined,
  clip: (maxDelta: number, name: string): HyperparameterNote | undefined =>
    maxDelta === 0
      ? suspicious(
          ['maxDelta'],
          `clip ${name} = 0 clips every update to 0: nothing trains`,
          'clip to a positive value; to turn clipping off, leave clip out of the chain',
        )
      : undefined,
  clipByGlobalNorm: (maxNorm: number, name: string): HyperparameterNote | undefined =>
    maxNorm === 0
      ? suspicious(
          ['maxNorm'],
          `clipByGlobalNorm ${name} = 0 scales every update to 0: nothing trains`,
          'clip to a positive norm (1 is the usual choice); to turn clipping off, leave clipByGlobalNorm out of the ' +
            'chain (in PyTorch configs max_grad_norm = 0 often means "off"; here it means "freeze everything")',
        )
      : undefined,
  /**
   * The eps = 0 warning of the Adam/RMS family: with eps = 0 and every guard (epsRoot, an initial accumulator) 0, a
   * coordinate whose gradients were all 0 gets v = 0 and 0/0 = NaN updates.
   */
  zeroEps: (
    owner: string,
    eps: number,
    guards: { readonly [name: string]: number } = { epsRoot: 0 },
    epsName = 'eps',
  ): HyperparameterNote | undefined => {
    if (eps !== 0 || Object.values(guards).some((g) => g !== 0)) return undefined
    const names = Object.keys(guards)
    const also = names.length === 0 ? '' : ` (with ${names.map((n) => `${n} = 0`).join(', ')})`
    return suspicious(
      [epsName, ...names],
      `${owner} options.${epsName} = 0${also}: a coordinate whose gradients have all been 0 so far (a dead unit, an ` +
        `unused embedding row, a param the loss ignores) gets a 0/0 = NaN update`,
      `keep the default ${epsName} (any value > 0, e.g. 1e-8, avoids it); use ${epsName} = 0 only where every ` +
        `coordinate has a nonzero gradient`,
    )
  },
  /** The b2 < b1 warning of the Adam family: the second moment forgets faster than the first. */
  swappedBetas: (owner: string, b1: number, b2: number): HyperparameterNote | undefined =>
    b2 < b1
      ? suspicious(
          ['b1', 'b2'],
          `${owner} options.b2 = ${b2} < options.b1 = ${b1}: the second-moment average forgets faster than the first, ` +
            `so m̂/√v̂ is not bounded by ~1 and steps can be much larger than the learning rate (were b1 and b2 swapped?)`,
          `use b1 < b2, e.g. the defaults b1 = 0.9, b2 = 0.999 (b2 is the decay of the squared gradients)`,
        )
      : undefined,
} as const

type Rules = typeof NOTE_RULES

/** @internal The facts of one warning as a factory attaches them: the kind, then the arguments of its rule. */
export type NoteRecord = { readonly [K in keyof Rules]: readonly [K, ...Parameters<Rules[K]>] }[keyof Rules]

/** @internal The notes of `tx` and, for a chain, of its parts (which chain() records as fusion facts), in order. */
export function notesOf(tx: unknown): readonly HyperparameterNote[] {
  return rawNotesOf(tx).flatMap((n): HyperparameterNote[] => {
    const note = isRecord(n)
      ? (NOTE_RULES[n[0]] as (...args: readonly unknown[]) => HyperparameterNote | undefined)(...n.slice(1))
      : n
    return note === undefined ? [] : [note]
  })
}

const isRecord = (n: NoteSpec | undefined): n is NoteRecord => Array.isArray(n)
