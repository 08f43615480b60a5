import { checkBoolean, checkInRange } from '../core/hyperparams'
import { firstArg } from '../core/firstArg'
import type { Schedule } from '../core/types'

/**
 * Options of {@link exponentialDecay}.
 * @category schedules
 * @since 0.1.0
 */
export interface ExponentialDecayOptions {
  /** The value before (and at) `transitionBegin`. Must be finite. */
  readonly initValue: number
  /**
   * The number of steps over which the value is multiplied by `decayRate` once. Steps are optimizer updates
   * (batches), not epochs: see {@link perEpoch}. If `≤ 0`, the schedule is the
   * constant `initValue` (as in optax).
   */
  readonly transitionSteps: number
  /**
   * The factor per `transitionSteps` steps. Must be in [0, Infinity); `0` gives the constant `initValue` (as in
   * optax), a rate above 1 makes the value grow.
   */
  readonly decayRate: number
  /**
   * The step at which the decay starts; before it the value is `initValue`. A negative value falls back to `0`
   * (as in optax).
   * @defaultValue 0
   */
  readonly transitionBegin?: number
  /**
   * Decay at discrete intervals (every `transitionSteps` steps) instead of continuously.
   * @defaultValue false
   */
  readonly staircase?: boolean
  /**
   * A bound at which the decay stops: a lower bound when `decayRate < 1`, an upper bound otherwise. As in optax it
   * also clips the value before `transitionBegin`, and has no effect when `decayRate = 0`.
   * @defaultValue no bound
   */
  readonly endValue?: number
}

/**
 * A schedule with continuous or staircase exponential decay.
 *
 * After `transitionBegin` steps the value is multiplied by `decayRate` every `transitionSteps` steps, either
 * smoothly or, with `staircase: true`, in jumps. The staircase form is PyTorch's `StepLR`
 * (`lr·gamma^⌊epoch/step_size⌋`, with `gamma = decayRate` and `step_size = transitionSteps`) **once the count is in
 * epochs**: `t` is the number of optimizer steps (batches), as in optax, while a PyTorch scheduler is usually stepped
 * once per epoch. For "×0.1 every 30 epochs" wrap it, `perEpoch(exponentialDecay({ ..., transitionSteps: 30,
 * staircase: true }), stepsPerEpoch)`, or pass `transitionSteps: 30 * stepsPerEpoch`; without either, the decay
 * happens every 30 batches. Mirrors optax's
 * `exponential_decay` exactly, including its edge cases (constant `initValue` when `transitionSteps ≤ 0` or
 * `decayRate = 0`; `endValue` clipping even before `transitionBegin`).
 *
 * ```text
 * d    = t − B
 * p    = d / T                 (⌊d / T⌋ if staircase)
 * v(t) = I          if d ≤ 0
 *        I·r^p      otherwise
 * s(t) = max(v(t), E) if r < 1,   min(v(t), E) if r ≥ 1     (only when endValue is set)
 * ```
 * with I = initValue, T = transitionSteps, r = decayRate, B = transitionBegin, E = endValue.
 *
 * @returns a {@link Schedule} mapping a step count to the decayed value.
 * @throws HyperparameterError if a value is not a finite number, `decayRate` is negative, or `staircase` is not a
 * boolean.
 * @example
 * import { exponentialDecay } from 'descent-ts'
 * const s = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })
 * assert.strictEqual(s(0), 1)
 * assert.strictEqual(s(20), 0.25) // 0.5^(20/10)
 * const step = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, staircase: true })
 * assert.strictEqual(step(19), 0.5) // 0.5^⌊19/10⌋, like StepLR
 * const floored = exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5, endValue: 0.3 })
 * assert.strictEqual(floored(20), 0.3)
 * assert.strictEqual(exponentialDecay(1, { transitionSteps: 10, decayRate: 0.5 })(20), 0.25) // initValue first, as in optax
 * @see {@link perEpoch}, {@link piecewiseConstantSchedule}, {@link joinSchedules}
 * @see https://optax.readthedocs.io/en/latest/api/optimizer_schedules.html#optax.schedules.exponential_decay
 * @see https://pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html
 * @category schedules
 * @since 0.1.0
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule
export function exponentialDecay(initValue: number, options: Omit<ExponentialDecayOptions, 'initValue'>): Schedule
export function exponentialDecay(
  initValueOrOptions: number | ExponentialDecayOptions,
  rest?: Omit<ExponentialDecayOptions, 'initValue'>,
): Schedule {
  const owner = 'exponentialDecay'
  const any = '(-Infinity, Infinity)'
  const [o, initName] = firstArg<Partial<ExponentialDecayOptions>, 'initValue'>(
    initValueOrOptions ?? {},
    'initValue',
    rest,
  )
  const initValue = checkInRange(owner, initName, o.initValue, any)
  const transitionSteps = checkInRange(owner, 'options.transitionSteps', o.transitionSteps, any)
  const decayRate = checkInRange(owner, 'options.decayRate', o.decayRate, '[0, Infinity)')
  const begin = Math.max(0, checkInRange(owner, 'options.transitionBegin', o.transitionBegin ?? 0, any))
  const staircase = checkBoolean(owner, 'options.staircase', o.staircase ?? false)
  const endValue = o.endValue === undefined ? undefined : checkInRange(owner, 'options.endValue', o.endValue, any)
  if (transitionSteps <= 0 || decayRate === 0) return (_count: number): number => initValue
  const clip =
    endValue === undefined
      ? (v: number) => v
      : decayRate < 1
        ? (v: number) => Math.max(v, endValue)
        : (v: number) => Math.min(v, endValue)
  return (count: number): number => {
    const d = count - begin
    const p = staircase ? Math.floor(d / transitionSteps) : d / transitionSteps
    return clip(d <= 0 ? initValue : initValue * decayRate ** p)
  }
}
