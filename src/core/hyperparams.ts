import type { Diagnosis, DiagnosisCode } from './diagnosis'
import type { NoteRecord } from './hyperparamNotes'
import { HyperparameterError } from './errors'
import { fusibleOf } from './fusion'
import type { ScalarOrSchedule, Schedule } from './types'

/**
 * @internal A {@link HyperparameterError} carrying `code: 'suspiciousHyperparameter'` (DESIGN.md, "Diagnostics"), whether
 * or not the error class sets a code itself.
 */
export const hyperparameterError = (message: string): HyperparameterError =>
  new HyperparameterError(message, { code: 'suspiciousHyperparameter' })

/** The error for a hyperparameter that is not what it must be: `sgd learningRate must be in …; got NaN`. */
const mustBe = (owner: string, name: string, what: string, value: unknown, tail = ''): HyperparameterError =>
  hyperparameterError(`${owner} ${name} must be ${what}; got ${quoteValue(value)}${tail}`)

/** @internal Gives `e` the stable `code` of a failure mode unless its constructor already set one; returns `e`. */
export function withCode<E extends Error>(e: E, code: DiagnosisCode): E {
  if ((e as { code?: unknown }).code === undefined) Object.defineProperty(e, 'code', { value: code, enumerable: true })
  return e
}

type Bound = `${number}` | 'Infinity' | '-Infinity'

/**
 * @internal An interval in math notation, `'[0, 1)'`, `'(0, Infinity)'`: its form is checked by the compiler, and
 * lo ≤ hi by test/core/hyperparams.test.ts, which reads every interval literal in src.
 */
export type Interval = `${'[' | '('}${Bound}, ${Bound}${']' | ')'}`

/**
 * @internal Checks a numeric hyperparameter against an interval written in math notation, such as `'[0, 1)'` or
 * `'(0, Infinity)'`, and throws a {@link HyperparameterError} like `scaleByAdam options.b1 must be in [0, 1); got 1.2`.
 * Returns the value so that it can be used inline.
 */
export function checkInRange(owner: string, name: string, value: unknown, interval: Interval, fix?: string): number {
  const [lo, hi] = interval.slice(1, -1).split(',').map(Number) as [number, number]
  // NaN fails both comparisons.
  const ok =
    typeof value === 'number' &&
    (interval[0] === '[' ? value >= lo : value > lo) &&
    (interval.endsWith(']') ? value <= hi : value < hi)
  if (!ok) throw mustBe(owner, name, `in ${interval}`, value, fix === undefined ? '' : `. ${fix}`)
  return value as number
}

/**
 * @internal Checks an optimizer's `options.momentum` (absent: fine) in [0, 1), naming the option the user passed rather
 * than the building block it feeds (`sgd options.momentum`, not `trace decay`). Momentum ≥ 1 never forgets a gradient:
 * the velocity grows without bound and the iterates do not converge.
 */
export function checkMomentum(owner: string, value: unknown): void {
  if (value === undefined) return
  checkInRange(
    owner,
    'options.momentum',
    value,
    '[0, 1)',
    'Momentum ≥ 1 diverges; use 0.9, or omit it for plain gradient descent',
  )
}

/** @internal Checks that a hyperparameter is an integer in an interval (e.g. a number of steps). */
export function checkInteger(owner: string, name: string, value: unknown, interval: Interval): number {
  checkInRange(owner, name, value, interval)
  if (!Number.isInteger(value)) throw mustBe(owner, name, `an integer in ${interval}`, value)
  return value as number
}

/** @internal Checks a value that may be a constant (in an interval) or a schedule function. */
export function checkScalarOrSchedule(
  owner: string,
  name: string,
  value: unknown,
  interval: Interval = '(-Infinity, Infinity)',
): ScalarOrSchedule {
  if (typeof value === 'function') return checkedSchedule(owner, name, value as Schedule)
  if (typeof value !== 'number') {
    throw mustBe(owner, name, 'a number or a schedule (count) => number', value)
  }
  return checkInRange(owner, name, value, interval)
}

/**
 * @internal `schedule`, checked where it is evaluated: a value that is not a finite number (NaN, ±Infinity, undefined,
 * a string) throws, naming the transform, the hyperparameter and the step, instead of reaching the updates.
 */
export function checkedSchedule(owner: string, name: string, schedule: Schedule): Schedule {
  return (count) => {
    const v: unknown = schedule(count)
    if (typeof v === 'number' && Number.isFinite(v)) return v
    throw hyperparameterError(
      `${owner} ${name}: the schedule returned ${quoteValue(v)} at step ${count}, not a finite number ` +
        '(check its arithmetic)',
    )
  }
}

/** @internal Checks a boolean option. */
export function checkBoolean(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw mustBe(owner, name, 'true or false', value)
  return value
}

/**
 * @internal A hyperparameter finding attached to a transform: the {@link Diagnosis} and the names of the hyperparameters
 * it is about (as the user passed them: `learningRate`, `eps`, `b1`), so that a wrapper such as injectHyperparams can
 * drop the findings about hyperparameters that follow a schedule (a warmup from 0 is not a zero learning rate).
 */
export interface HyperparameterNote {
  readonly diagnosis: Diagnosis
  readonly about: readonly string[]
}

/**
 * @internal What a factory attaches about a suspicious hyperparameter: a finished {@link HyperparameterNote}
 * (injectHyperparams passes on its inner transform's) or a {@link NoteRecord}, the facts its rule in
 * hyperparamNotes.ts judges when a reader asks. The texts live with that rule, so an app that never reads the
 * warnings does not carry them.
 */
export type NoteSpec = HyperparameterNote | NoteRecord

const NOTES = Symbol('descent.notes')

/**
 * @internal Attaches `notes` to `tx` as an immutable, non-enumerable property and returns `tx` (the same mechanism as
 * fusion.ts's markFusible): construction stays pure, and the train layer reads them with hyperparameterDiagnoses. Notes
 * already attached are kept.
 */
export const attachNotes = <T extends object>(tx: T, notes: readonly (NoteSpec | undefined)[]): T =>
  Object.defineProperty(tx, NOTES, {
    value: Object.freeze([...((tx as Noted)[NOTES] ?? []), ...notes]),
    configurable: true,
  })

type Noted = { readonly [NOTES]?: readonly (NoteSpec | undefined)[] }

const ownNotes = (tx: unknown): readonly (NoteSpec | undefined)[] =>
  typeof tx === 'object' && tx !== null ? ((tx as Noted)[NOTES] ?? []) : []

/** @internal The notes attached to `tx` and, for a chain, to its parts (which chain() records as fusion facts), in order. */
export function rawNotesOf(tx: unknown): readonly (NoteSpec | undefined)[] {
  const facts = typeof tx === 'object' && tx !== null ? fusibleOf(tx) : undefined
  return [...ownNotes(tx), ...(facts?.kind === 'chain' ? facts.parts.flatMap(rawNotesOf) : [])]
}

/** @internal Copies the notes of the transforms `inners` wraps (and of their parts) onto the wrapper `tx`. */
export const inheritNotes = <T extends object>(tx: T, inners: readonly unknown[]): T =>
  attachNotes(tx, inners.flatMap(rawNotesOf))

/** @internal A hyperparameter's value as a message shows it: strings quoted, anything else as `String` writes it. */
export const quoteValue = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v))
