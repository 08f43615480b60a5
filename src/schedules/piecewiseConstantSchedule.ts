import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import type { Schedule } from '../core/types'

/**
 * Options of {@link piecewiseConstantSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface PiecewiseConstantScheduleOptions {
  /** The value before the first boundary. Must be finite. */
  readonly initValue: number
  /**
   * The boundaries (step counts) and the factor that multiplies the value from that step on, as a record
   * `{ 100: 0.1, 200: 0.1 }` (optax's dict) or as a list of pairs `[[100, 0.1], [200, 0.1]]`. Boundaries are
   * applied in increasing order; scales must be in [0, Infinity). Leave it out for a constant schedule.
   * @defaultValue no boundaries
   */
  readonly boundariesAndScales?: Readonly<Record<number, number>> | readonly (readonly [number, number])[]
}

/**
 * A piecewise constant schedule: the initial value, multiplied by a scale at each boundary the step has reached.
 *
 * At step `t` the value is `initValue` times the product of every scale whose boundary `b ≤ t`. This is the classic
 * "divide the learning rate by 10 at epochs 30 and 60" schedule (PyTorch's `MultiStepLR` with per-milestone
 * factors). Mirrors optax's `piecewise_constant_schedule`, which also rejects negative scales.
 *
 * ```text
 * s(t) = I · ∏_{i : b_i ≤ t} f_i
 * ```
 * with I = initValue and (b_i, f_i) the entries of `boundariesAndScales`.
 *
 * @param initValueOrOptions - the initial value, or the whole options object.
 * @param options - the boundaries and scales, when the initial value is given positionally.
 * @returns a {@link Schedule} mapping a step count to the scaled value.
 * @throws HyperparameterError if `initValue`, a boundary or a scale is not a finite number, or a scale is negative.
 * @example
 * import { piecewiseConstantSchedule } from 'descent-ts'
 * const s = piecewiseConstantSchedule(1, { boundariesAndScales: { 100: 0.5, 200: 0.5 } })
 * assert.strictEqual(s(99), 1)
 * assert.strictEqual(s(100), 0.5) // a boundary applies from its own step on
 * assert.strictEqual(s(250), 0.25)
 * const same = piecewiseConstantSchedule({ initValue: 1, boundariesAndScales: [[100, 0.5], [200, 0.5]] })
 * assert.strictEqual(same(250), 0.25)
 * @see {@link joinSchedules}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.piecewise_constant_schedule
 * @category schedules
 * @since 0.1.0
 */
export function piecewiseConstantSchedule(
  initValueOrOptions: number | PiecewiseConstantScheduleOptions,
  options?: Omit<PiecewiseConstantScheduleOptions, 'initValue'>,
): Schedule {
  const owner = 'piecewiseConstantSchedule'
  const positional = typeof initValueOrOptions === 'number'
  const o = (
    positional ? { ...options, initValue: initValueOrOptions } : (initValueOrOptions ?? {})
  ) as Partial<PiecewiseConstantScheduleOptions>
  const name = positional ? 'initValue' : 'options.initValue'
  const initValue = checkInRange(owner, name, o.initValue, '(-Infinity, Infinity)')
  const pieces = readBoundariesAndScales(owner, o.boundariesAndScales)
  return (count: number): number => pieces.reduce((v, [b, f]) => (count >= b ? v * f : v), initValue)
}

/** Validates the boundaries and scales (either form) and returns them as pairs sorted by boundary. */
function readBoundariesAndScales(
  owner: string,
  raw: PiecewiseConstantScheduleOptions['boundariesAndScales'] | undefined,
): readonly (readonly [number, number])[] {
  const name = 'options.boundariesAndScales'
  if (raw === undefined || raw === null) return []
  if (typeof raw !== 'object') {
    throw new HyperparameterError(
      `${owner} ${name} must be a record { step: scale } or a list of [step, scale] pairs; got ${String(raw)}`,
    )
  }
  const pairs: (readonly [number, number])[] = []
  if (Array.isArray(raw)) {
    raw.forEach((pair: unknown, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        const got = JSON.stringify(pair)
        throw new HyperparameterError(`${owner} ${name}[${i}] must be a [step, scale] pair; got ${got}`)
      }
      const b = checkInRange(owner, `${name}[${i}][0]`, pair[0], '(-Infinity, Infinity)')
      pairs.push([b, checkInRange(owner, `${name}[${i}][1]`, pair[1], '[0, Infinity)')])
    })
  } else {
    for (const [key, scale] of Object.entries(raw as Record<string, unknown>)) {
      const step = key.trim() === '' ? NaN : Number(key)
      const b = checkInRange(owner, `${name} key ${JSON.stringify(key)}`, step, '(-Infinity, Infinity)')
      pairs.push([b, checkInRange(owner, `${name}[${key}]`, scale, '[0, Infinity)')])
    }
  }
  return pairs.sort((x, y) => x[0] - y[0])
}
