import { DescentError, HyperparameterError } from '../core/errors'
import { attachNotes, withCode } from '../core/hyperparams'
import { notesOf } from '../core/hyperparamNotes'
import type { ExtraArgs, GradientTransformation, PyTree, Schedule } from '../core/types'
import { hyperparamDefaultsOf } from '../core/hyperparamDefaults'
import { learningRatesIn, withLearningRate } from '../core/learningRate'
import { isOptionsObject } from './_internal/firstArg'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

// The keys it needs (not exactly these: a wrapper may keep more); the inner transform checks innerState.
const STATE: StateSpec = (s) => {
  const r = s as { count?: unknown; hyperparams?: unknown; innerState?: unknown } | null
  const ok = typeof r === 'object' && r !== null && Number.isInteger(r.count) && (r.count as number) >= 0
  return ok && typeof r.hyperparams === 'object' && r.hyperparams !== null && 'innerState' in r
    ? undefined
    : "{count, hyperparams, innerState} (injectHyperparams's state)"
}

/**
 * Options of {@link injectHyperparams}.
 * @category transforms
 * @since 0.1.0
 */
export interface InjectHyperparamsOptions {
  /**
   * Names of options that stay static even though they are numbers or functions (e.g. a `mask` function, which
   * would otherwise be taken for a schedule).
   * @defaultValue []
   */
  readonly staticArgs?: readonly string[]
  /**
   * Names of the factory's positional numeric arguments, in order: an optimizer's first argument is its learning
   * rate, so `adam(1e-3)` stores `hyperparams.learningRate`.
   * @defaultValue ['learningRate']
   */
  readonly positionalNames?: readonly string[]
  /**
   * The dtype of the injected hyperparameters (optax's `hyperparam_dtype`): `'float32'` rounds each injected value and
   * each schedule value to float32 (as optax casts them), `'float64'` or undefined keeps JavaScript's doubles.
   * @defaultValue undefined
   */
  readonly hyperparamDtype?: 'float32' | 'float64' | undefined
}

/**
 * State of {@link injectHyperparams}.
 * @category transforms
 * @since 0.1.0
 */
export interface InjectHyperparamsState<S> {
  /** The number of updates so far; schedules are evaluated at it. */
  readonly count: number
  /**
   * The numeric hyperparameters, by name: the values used by the last update (at init, the initial values and
   * `schedule(0)`). Replace a constant one between steps to change it: `{ ...state, hyperparams: { ...h, b1: 0.8 } }`.
   * Scheduled ones are recomputed at every update (as in optax), so the next update throws a `DescentError` with
   * `code: 'scheduleOverridden'` if one was changed, instead of overwriting it silently.
   */
  readonly hyperparams: { readonly [name: string]: number }
  /** The state of the transform built from the hyperparameters. */
  readonly innerState: S
}

type Sched<T> = [Extract<T, number>] extends [never] ? T : T | Schedule
type InjectArg<T> = [Extract<T, number>] extends [never]
  ? [NonNullable<T>] extends [object]
    ? [NonNullable<T>] extends [(...a: never[]) => unknown]
      ? T
      : { [K in keyof NonNullable<T>]: Sched<NonNullable<T>[K]> } | Extract<T, undefined>
    : T
  : T | Schedule
/**
 * The arguments of a factory wrapped by {@link injectHyperparams}: every numeric argument or option may also be a
 * {@link Schedule}.
 * @category transforms
 * @since 0.1.0
 */
export type InjectableArgs<A extends readonly unknown[]> = { [K in keyof A]: InjectArg<A[K]> }

/** An options object, not a transform passed as an argument (mechanize's, sam's or scheduleFree's base optimizer). */
const isOptions = (x: unknown): x is object =>
  isOptionsObject(x) &&
  !(typeof (x as { init?: unknown }).init === 'function' && typeof (x as { update?: unknown }).update === 'function')

type Slot = readonly [kind: 'positional', index: number] | readonly [kind: 'option', index: number, key: string]

/**
 * Makes the numeric hyperparameters of a transform factory part of the state, so they can follow schedules or be
 * changed between steps.
 *
 * `injectHyperparams(factory)(...args)` takes the same arguments as `factory`, where any numeric argument or
 * option may be a schedule. Numbers and schedule values are kept in `state.hyperparams` (in float64), booleans,
 * non-numeric options and `staticArgs` stay fixed. As optax binds the factory's defaults (`apply_defaults()`), the
 * numeric options left out are injected too, with their defaults: `injectHyperparams(adam)(1e-3)` holds
 * `learningRate, b1, b2, eps, epsRoot`, and a positional argument left out is injected with its default
 * (`injectHyperparams(contrib.prodigy)()` holds `learningRate: 1`) (sizes that fix the state's shape, such as `memorySize`, are not injected;
 * options read only by `init`, such as `initialAccumulatorValue`, can be edited but change nothing after `init`). Each update evaluates the schedules at the wrapper's `count`,
 * rebuilds `factory(...)` with the current numbers and runs its update on the inner state, so the updates are
 * bit-identical to the unwrapped transform's. Positional numbers are named by `positionalNames` (an optimizer's
 * first argument is `learningRate`). Mirrors optax's `inject_hyperparams` (without its dtype casting: hyperparameters
 * stay float64 numbers, as every hyperparameter in descent).
 *
 * Overriding: a constant hyperparameter replaced in `state.hyperparams` is used from the next update on (as in optax).
 * A *scheduled* one is recomputed from its schedule at every update; optax then drops a value set by hand without a
 * word ("manually overriding scheduled hyperparameters will have no effect"). descent keeps optax's values but makes
 * the override loud: `update` throws a `DescentError` with `code: 'scheduleOverridden'` naming the hyperparameter and
 * the fix (inject it as a number to set it by hand). The check compares the state's value with the schedule's at
 * the previous count, so schedules must be pure functions of the count. `suspiciousHyperparameter` warnings of the
 * built transform are kept for constant hyperparameters only ({@link hyperparameterDiagnoses}).
 *
 * ```text
 * h_t[k] = schedule_k(t) for a scheduled k,  state.hyperparams[k] otherwise
 * (u_t, s_t) = factory(h_t).update(g_t, s_{t−1})     state.hyperparams ← h_t,  count ← t + 1
 * ```
 *
 * @param factory - A function returning a transform, such as an optimizer (`adam`) or a transform (`scaleByAdam`).
 * @param options - {@link InjectHyperparamsOptions}.
 * @returns A factory with the same arguments, returning a transform whose state is an
 * {@link InjectHyperparamsState}.
 * @throws HyperparameterError (when the returned factory is called) for a positional number without a name in
 * `positionalNames`, two hyperparameters with the same name, or invalid hyperparameters (checked by `factory`).
 * DescentError (`code: 'scheduleOverridden'`, from `update`) when a scheduled hyperparameter was changed in the state.
 * @example
 * import { adam, injectHyperparams, tensor } from 'descent-ts'
 * const tx = injectHyperparams(adam)((count: number) => 0.1 / (1 + count), { b1: 0.9 })
 * const params = { w: tensor([1]) }
 * let state = tx.init(params)
 * assert.deepStrictEqual(state.hyperparams, { learningRate: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 })
 * state = tx.update({ w: tensor([1]) }, state, params)[1]
 * state = { ...state, hyperparams: { ...state.hyperparams, b1: 0.5, eps: 1e-6 } } // used from the next step on
 * state = tx.update({ w: tensor([1]) }, state, params)[1]
 * assert.deepStrictEqual(state.hyperparams, { learningRate: 0.05, b1: 0.5, b2: 0.999, eps: 1e-6, epsRoot: 0 })
 * // learningRate follows a schedule: setting it by hand is an error, not a silent no-op
 * const edited = { ...state, hyperparams: { ...state.hyperparams, learningRate: 1 } }
 * assert.throws(() => tx.update({ w: tensor([1]) }, edited, params), /scheduleOverridden|follows a schedule/)
 * @see adam, scaleByLearningRate
 * @category transforms
 * @since 0.1.0
 */
export function injectHyperparams<A extends readonly unknown[], S>(
  factory: (...args: A) => GradientTransformation<S>,
  options: InjectHyperparamsOptions = {},
): (...args: InjectableArgs<A>) => GradientTransformation<InjectHyperparamsState<S>> {
  const owner = 'injectHyperparams'
  if (typeof factory !== 'function') {
    throw new HyperparameterError(`${owner} factory must be a function returning a transform; got ${String(factory)}`)
  }
  const staticArgs = new Set(options.staticArgs ?? [])
  const dtype = options.hyperparamDtype
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
    throw new HyperparameterError(
      `${owner} options.hyperparamDtype must be 'float32', 'float64' or undefined; got ${String(dtype)}`,
    )
  }
  const round = dtype === 'float32' ? Math.fround : (x: number) => x
  const defaults = hyperparamDefaultsOf(factory)
  const positionalNames = options.positionalNames ?? defaults.positionalNames ?? ['learningRate']
  return (...args) => {
    const slots = new Map<string, Slot>()
    const schedules = new Map<string, Schedule>()
    const initial: Record<string, number> = {}
    const add = (name: string, value: unknown, slot: Slot) => {
      if (typeof value !== 'number' && typeof value !== 'function') return
      if (staticArgs.has(name)) return
      if (slots.has(name)) throw new HyperparameterError(`${owner} has two hyperparameters named ${name}`)
      slots.set(name, slot)
      if (typeof value === 'function') schedules.set(name, value as Schedule)
      else initial[name] = value
    }
    args.forEach((arg, i) => {
      if (isOptions(arg)) {
        Object.entries(arg).forEach(([key, v]) => add(key, v, ['option', i, key]))
      } else if (typeof arg === 'number' || typeof arg === 'function') {
        const name = positionalNames[i]
        if (name === undefined) {
          throw new HyperparameterError(
            `${owner} argument ${i} is a number or a schedule but has no name: pass options.positionalNames`,
          )
        }
        add(name, arg, ['positional', i])
      }
    })
    // Positional defaults left out (`prodigy()`: learningRate = 1), named as the positional arguments are.
    defaults.positionalValues?.forEach((v, i) => {
      const name = positionalNames[i]
      if (v !== undefined && name !== undefined && args[i] === undefined && !slots.has(name)) {
        add(name, v, ['positional', i])
      }
    })
    // optax injects every numeric argument, defaults included (`apply_defaults()`): so do we, in the options object.
    const lastOptions = args.reduce<number>((at, a, i) => (isOptions(a) ? i : at), -1)
    const optionsAt = lastOptions >= 0 ? lastOptions : defaults.optionsIndex
    const given = args[optionsAt]
    if (given === undefined || isOptions(given)) {
      Object.entries(defaults.values).forEach(([key, v]) => {
        if (!slots.has(key) && (given as Record<string, unknown> | undefined)?.[key] === undefined) {
          add(key, v, ['option', optionsAt, key])
        }
      })
    }
    // Never pass extra arguments when nothing was injected past the caller's.
    const length = [...slots.values()].reduce((n, slot) => Math.max(n, slot[1] + 1), args.length)
    const build = (h: { readonly [name: string]: number }): GradientTransformation<S> => {
      const built: unknown[] = Array.from({ length }, (_, i) => (isOptions(args[i]) ? { ...args[i] } : args[i]))
      slots.forEach((slot) => {
        if (slot[0] === 'option' && built[slot[1]] === undefined) built[slot[1]] = {}
      })
      slots.forEach((slot, name) => {
        if (slot[0] === 'positional') built[slot[1]] = h[name]
        else (built[slot[1]] as Record<string, unknown>)[slot[2]] = h[name]
      })
      return factory(...(built as unknown as A))
    }
    const at = (h: { readonly [name: string]: number }, count: number) => {
      const out: Record<string, number> = { ...h }
      schedules.forEach((f, name) => (out[name] = f(count)))
      if (dtype === 'float32') for (const k of Object.keys(out)) out[k] = round(out[k]!)
      return out
    }
    const h0 = at(initial, 0)
    const tx0 = build(h0) // validates the hyperparameters now rather than at the first update
    // Suspicious values are judged for constants only: a scheduled value at step 0 (a warmup from 0) says nothing.
    const notes = notesOf(tx0).filter((n) => !n.about.some((name) => schedules.has(name)))
    const checkNotOverridden = (state: InjectHyperparamsState<S>) =>
      schedules.forEach((f, name) => {
        const expected = round(f(Math.max(0, state.count - 1)))
        const got = state.hyperparams[name]
        if (!Object.is(got, expected)) throw scheduleOverridden(name, got, expected, state.count)
      })
    // The next update's learning rate: the schedule at the next count, or the (possibly hand-set) number.
    const readLearningRate = (state: InjectHyperparamsState<S>): readonly number[] => {
      const schedule = schedules.get('learningRate')
      if (schedule) return [schedule(state.count)]
      const lr = state.hyperparams.learningRate
      return typeof lr === 'number' ? [lr] : learningRatesIn(tx0, state.innerState)
    }
    const tx = attachNotes<GradientTransformation<InjectHyperparamsState<S>>>(
      {
        init: (params) => (
          checkParams('injectHyperparams.init', params),
          { count: 0, hyperparams: h0, innerState: tx0.init(params) }
        ),
        update: <P extends PyTree>(updates: P, state: InjectHyperparamsState<S>, params?: P, extra?: ExtraArgs) => {
          checkState('injectHyperparams', state, STATE, updates, params)
          checkNotOverridden(state)
          const hyperparams = at(state.hyperparams, state.count)
          const [u, innerState] = build(hyperparams).update(updates, state.innerState, params, extra)
          return [u, { count: state.count + 1, hyperparams, innerState }] as const
        },
      },
      notes,
    )
    return withLearningRate(tx, readLearningRate)
  }
}

const scheduleOverridden = (name: string, got: unknown, expected: number, count: number): DescentError =>
  withCode(
    new DescentError(
      `injectHyperparams: state.hyperparams.${name} is ${String(got)}, but ${name} follows a schedule, which gave ` +
        `${expected} at count ${Math.max(0, count - 1)}. A scheduled hyperparameter is recomputed at every update ` +
        `(as in optax), so a value set in the state would be silently overwritten. To set ${name} by hand, inject it ` +
        `as a number (injectHyperparams(adam)(1e-3)) and replace state.hyperparams.${name} between steps; to change ` +
        `a schedule, build a new one (e.g. joinSchedules) and keep the state's count. (Schedules must be pure ` +
        `functions of the count; one reading a mutable variable also triggers this.)`,
    ),
    'scheduleOverridden',
  )
