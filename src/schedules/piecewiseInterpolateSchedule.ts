import { HyperparameterError } from '../core/errors'
import { checkInRange } from '../core/hyperparams'
import type { Schedule } from '../core/types'

/**
 * Options of {@link piecewiseInterpolateSchedule}.
 * @category schedules
 * @since 0.1.0
 */
export interface PiecewiseInterpolateScheduleOptions {
  /** How to interpolate between the values at two boundaries: `'linear'` or `'cosine'` (half a cosine wave). */
  readonly interpolateType: 'linear' | 'cosine'
  /** The value at step 0. Must be finite. */
  readonly initValue: number
  /**
   * The boundaries (step counts, in [0, Infinity)) and the factor (in [0, Infinity)) by which the value at that
   * boundary multiplies the value at the previous one, as a record `{ 100: 10, 200: 0.1 }` (optax's dict) or as a
   * list of pairs `[[100, 10], [200, 0.1]]`. Leave it out for a constant schedule.
   * @defaultValue no boundaries
   */
  readonly boundariesAndScales?: Readonly<Record<number, number>> | readonly (readonly [number, number])[]
}

const INTERPOLATE = {
  linear: (start: number, end: number, pct: number) => (end - start) * pct + start,
  cosine: (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1),
} as const

/**
 * A schedule that interpolates, linearly or along half a cosine, between values fixed at boundaries.
 *
 * The value at boundary `b_i` is `initValue` times the product of the scales of every boundary up to and including
 * `b_i`; between two boundaries the value moves from one to the next; after the last boundary it stays at the last
 * value. The one-cycle schedules ({@link linearOnecycleSchedule}, {@link cosineOnecycleSchedule}) are built from it.
 * Mirrors optax's `piecewise_interpolate_schedule`, with intervals of length 0 treated as length 1 (optax divides by
 * the length, which gives NaN for a boundary at step 0). Before step 0 the value is 0, as in optax.
 *
 * ```text
 * b₀ = 0,  v₀ = I,  v_{i+1} = v_i · f_{i+1}           (boundaries b_i sorted, f_i their scales)
 * s(t) = interp(v_i, v_{i+1}, (t − b_i)/max(b_{i+1} − b_i, 1))   if b_i ≤ t < b_{i+1}
 * s(t) = v_last                                                    if t ≥ b_last
 * linear: interp(a, b, p) = a + (b − a)·p      cosine: interp(a, b, p) = b + (a − b)/2·(cos(π·p) + 1)
 * ```
 *
 * @param interpolateType - `'linear'` or `'cosine'`, or the whole {@link PiecewiseInterpolateScheduleOptions}.
 * @param initValue - the value at step 0 (when the type is given positionally).
 * @param boundariesAndScales - the boundaries and scales (when the type is given positionally).
 * @returns a {@link Schedule} mapping a step count to the interpolated value.
 * @throws HyperparameterError for an unknown interpolation type, a value, boundary or scale that is not a finite
 * number, a negative boundary or a negative scale.
 * @example
 * import { piecewiseInterpolateSchedule } from 'descent-ts'
 * const s = piecewiseInterpolateSchedule('linear', 1, { 10: 3, 20: 0.5 }) // 1 → 3 at step 10 → 1.5 at step 20
 * assert.strictEqual(s(0), 1)
 * assert.strictEqual(s(5), 2)
 * assert.strictEqual(s(10), 3)
 * assert.strictEqual(s(15), 2.25)
 * assert.strictEqual(s(100), 1.5)
 * const c = piecewiseInterpolateSchedule({ interpolateType: 'cosine', initValue: 1, boundariesAndScales: [[10, 0]] })
 * assert.ok(Math.abs(c(5) - 0.5) < 1e-15)
 * @see {@link linearOnecycleSchedule}, {@link cosineOnecycleSchedule}, {@link piecewiseConstantSchedule}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.piecewise_interpolate_schedule
 * @category schedules
 * @since 0.1.0
 */
export function piecewiseInterpolateSchedule(
  interpolateType: PiecewiseInterpolateScheduleOptions['interpolateType'] | PiecewiseInterpolateScheduleOptions,
  initValue?: number,
  boundariesAndScales?: PiecewiseInterpolateScheduleOptions['boundariesAndScales'],
): Schedule {
  const owner = 'piecewiseInterpolateSchedule'
  const positional = typeof interpolateType !== 'object' || interpolateType === null
  const o = (
    positional ? { interpolateType, initValue, boundariesAndScales } : interpolateType
  ) as Partial<PiecewiseInterpolateScheduleOptions>
  const prefix = positional ? '' : 'options.'
  const type = o.interpolateType
  if (type !== 'linear' && type !== 'cosine') {
    const got = typeof type === 'string' ? JSON.stringify(type) : String(type)
    throw new HyperparameterError(`${owner} ${prefix}interpolateType must be 'linear' or 'cosine'; got ${got}`)
  }
  const init = checkInRange(owner, `${prefix}initValue`, o.initValue, '(-Infinity, Infinity)')
  const pairs = readPairs(owner, `${prefix}boundariesAndScales`, o.boundariesAndScales)
  const bounds = [0, ...pairs.map(([b]) => b)]
  const values = pairs.reduce((vs, [, f]) => [...vs, (vs[vs.length - 1] as number) * f], [init])
  const interp = INTERPOLATE[type]
  const last = bounds[bounds.length - 1] as number
  const lastValue = values[values.length - 1] as number
  return (count: number): number => {
    if (count >= last) return lastValue
    const i = bounds.findIndex((b, j) => b <= count && count < (bounds[j + 1] as number))
    if (i < 0) return 0
    const start = bounds[i] as number
    const size = Math.max((bounds[i + 1] as number) - start, 1)
    return interp(values[i] as number, values[i + 1] as number, (count - start) / size)
  }
}

/** Validates the boundaries and scales (record or pairs) and returns them sorted by boundary. */
function readPairs(owner: string, name: string, raw: unknown): readonly (readonly [number, number])[] {
  if (raw === undefined || raw === null) return []
  if (typeof raw !== 'object') {
    throw new HyperparameterError(
      `${owner} ${name} must be a record { step: scale } or a list of [step, scale] pairs; got ${String(raw)}`,
    )
  }
  const entries: readonly (readonly [unknown, unknown, string])[] = Array.isArray(raw)
    ? raw.map((pair: unknown, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) {
          const got = JSON.stringify(pair)
          throw new HyperparameterError(`${owner} ${name}[${i}] must be a [step, scale] pair; got ${got}`)
        }
        return [pair[0], pair[1], `${name}[${i}]`] as const
      })
    : Object.entries(raw).map(([k, v]) => [k.trim() === '' ? NaN : Number(k), v, `${name}[${k}]`] as const)
  return entries
    .map(([b, f, at]) => {
      const step = checkInRange(owner, `${at} step`, b, '[0, Infinity)')
      return [step, checkInRange(owner, at, f, '[0, Infinity)')] as const
    })
    .sort((x, y) => x[0] - y[0])
}
