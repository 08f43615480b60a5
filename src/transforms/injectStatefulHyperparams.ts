import { HyperparameterError } from '../core/errors'
import { learningRatesIn, withLearningRate } from '../core/learningRate'
import { type StateSpec, checkState } from '../core/stateCheck'
import type { ExtraArgs, GradientTransformation, PyTree, Schedule } from '../core/types'
import { type StatefulSchedule, isStatefulSchedule } from '../schedules/statefulSchedule'
import { isOptionsObject } from './_internal/firstArg'
import {
  type InjectHyperparamsOptions,
  type InjectableArgs,
  type InjectHyperparamsState,
  injectHyperparams,
} from './injectHyperparams'

/**
 * State of {@link injectStatefulHyperparams}: {@link InjectHyperparamsState} plus the state of each stateful
 * schedule (optax's `InjectStatefulHyperparamsState`).
 * @category transforms
 * @since 0.1.0
 */
export interface InjectStatefulHyperparamsState<S> extends InjectHyperparamsState<S> {
  /** The state of each {@link StatefulSchedule}, by hyperparameter name, after the last update. */
  readonly hyperparamsStates: { readonly [name: string]: unknown }
}

type Injected<T> = T extends number
  ? T | Schedule | StatefulSchedule
  : T extends (...a: never[]) => unknown
    ? T
    : T extends object
      ? { [K in keyof T]: T[K] extends number | undefined ? T[K] | Schedule | StatefulSchedule : T[K] }
      : T
/**
 * The arguments of a factory wrapped by {@link injectStatefulHyperparams}: every numeric argument or option may also
 * be a {@link Schedule} or a {@link StatefulSchedule}.
 * @category transforms
 * @since 0.1.0
 */
export type StatefulInjectableArgs<A extends readonly unknown[]> = { [K in keyof A]: Injected<A[K]> }

const STATE: StateSpec = (s) => {
  const r = s as { hyperparamsStates?: unknown } | null
  return typeof r === 'object' && r !== null && typeof r.hyperparamsStates === 'object' && r.hyperparamsStates !== null
    ? undefined
    : "{count, hyperparams, hyperparamsStates, innerState} (injectStatefulHyperparams's state)"
}

/**
 * {@link injectHyperparams} with stateful schedules (optax's `inject_stateful_hyperparams`; optax's
 * `inject_hyperparams` accepts them too). Any numeric argument or option may be a number, a {@link Schedule} of the
 * step count, or a {@link StatefulSchedule}, whose value can depend on what the loop passes to `update` as extra
 * arguments (e.g. a loss). Before each update every stateful schedule is evaluated at its current state with that
 * update's extra arguments, the value goes into `state.hyperparams`, and the schedule's state is advanced with the same
 * extra arguments (optax's order: value first, then update). Numbers and count schedules behave exactly as in
 * {@link injectHyperparams} (a count schedule is optax's `WrappedSchedule`, see {@link wrappedSchedule}).
 * ```text
 * init:   σ_k ← S_k.init(),   h[k] = S_k.value(σ_k, {})
 * update: h[k] = S_k.value(σ_k, extra),   σ_k ← S_k.update(σ_k, extra),   (u, s) = factory(h).update(g, s, params, extra)
 * ```
 * @param factory - A function returning a transform.
 * @param options - {@link InjectHyperparamsOptions} (`staticArgs`, `positionalNames`).
 * @returns A factory with the same arguments, returning a transform whose state is an
 * {@link InjectStatefulHyperparamsState}.
 * @throws HyperparameterError (when the returned factory is called) for a positional stateful schedule without a name
 * in `positionalNames`, a stateful schedule whose initial value is not a finite number, or what
 * {@link injectHyperparams} refuses.
 * @example
 * import { type StatefulSchedule, injectStatefulHyperparams, scale, tensor } from 'descent-ts'
 * // optax's test: the step size is the sum of the `addendum` extra arguments seen before this update.
 * const total: StatefulSchedule<number> = {
 *   init: () => 0,
 *   update: (s, extra) => s + Number(extra.addendum),
 *   value: (s) => s,
 * }
 * const tx = injectStatefulHyperparams(scale)({ stepSize: total })
 * const g = [tensor([1, 1, 1]), tensor([1, 1])]
 * let state = tx.init(g)
 * state = tx.update(g, state, g, { addendum: 0.3 })[1]
 * const [u, next] = tx.update(g, state, g, { addendum: 0.3 })
 * assert.strictEqual(next.hyperparams.stepSize, 0.3)
 * assert.ok(Math.abs((next.hyperparamsStates.stepSize as number) - 0.6) < 1e-15)
 * assert.deepStrictEqual((u[1]!.toArray() as number[]).map((v) => Math.round(v * 10) / 10), [0.3, 0.3])
 * @see injectHyperparams, wrappedSchedule
 * @category transforms
 * @since 0.1.0
 */
export function injectStatefulHyperparams<A extends readonly unknown[], S>(
  factory: (...args: A) => GradientTransformation<S>,
  options: InjectHyperparamsOptions = {},
): (...args: StatefulInjectableArgs<A>) => GradientTransformation<InjectStatefulHyperparamsState<S>> {
  const owner = 'injectStatefulHyperparams'
  const inject = injectHyperparams(factory, options)
  const staticArgs = new Set(options.staticArgs ?? [])
  const positionalNames = options.positionalNames ?? ['learningRate']
  return (...args) => {
    const stateful = new Map<string, StatefulSchedule>()
    const valueAtInit = (name: string, s: StatefulSchedule): number => {
      if (stateful.has(name)) throw new HyperparameterError(`${owner} has two hyperparameters named ${name}`)
      stateful.set(name, s)
      const v = s.value(s.init(), {})
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new HyperparameterError(
          `${owner}: the stateful schedule of ${name} must give a finite number at its initial state; got ${v}`,
        )
      }
      return v
    }
    // Each stateful schedule becomes a constant of the inner injectHyperparams, replaced before every update.
    const plain = args.map((arg, i) => {
      if (isStatefulSchedule(arg)) {
        const name = positionalNames[i]
        if (name === undefined) {
          throw new HyperparameterError(
            `${owner} argument ${i} is a stateful schedule but has no name: pass options.positionalNames`,
          )
        }
        return staticArgs.has(name) ? arg : valueAtInit(name, arg)
      }
      if (!isOptionsObject(arg)) return arg
      const entries = Object.entries(arg)
      if (!entries.some(([k, v]) => isStatefulSchedule(v) && !staticArgs.has(k))) return arg
      return Object.fromEntries(
        entries.map(([k, v]) => [k, isStatefulSchedule(v) && !staticArgs.has(k) ? valueAtInit(k, v) : v]),
      )
    }) as unknown as InjectableArgs<A>
    const inner = inject(...plain)
    const values = (states: { readonly [name: string]: unknown }, extra: ExtraArgs) => {
      const out: Record<string, number> = {}
      stateful.forEach((s, name) => (out[name] = s.value(states[name], extra)))
      return out
    }
    const tx: GradientTransformation<InjectStatefulHyperparamsState<S>> = {
      init: (params) => {
        const s = inner.init(params)
        const hyperparamsStates: Record<string, unknown> = {}
        stateful.forEach((sched, name) => (hyperparamsStates[name] = sched.init()))
        return { ...s, hyperparams: { ...s.hyperparams, ...values(hyperparamsStates, {}) }, hyperparamsStates }
      },
      update: <P extends PyTree>(
        updates: P,
        state: InjectStatefulHyperparamsState<S>,
        params?: P,
        extra?: ExtraArgs,
      ) => {
        checkState(owner, state, STATE, updates, params)
        const e = extra ?? {}
        const current = values(state.hyperparamsStates, e)
        const hyperparamsStates: Record<string, unknown> = { ...state.hyperparamsStates }
        stateful.forEach((sched, name) => (hyperparamsStates[name] = sched.update(state.hyperparamsStates[name], e)))
        const { hyperparamsStates: _, ...innerView } = state
        const [u, s] = inner.update(
          updates,
          { ...innerView, hyperparams: { ...state.hyperparams, ...current } },
          params,
          extra,
        )
        return [u, { ...s, hyperparamsStates }] as const
      },
    }
    const stepLr = stateful.get('learningRate')
    return withLearningRate(tx, (state: InjectStatefulHyperparamsState<S>) =>
      stepLr ? [stepLr.value(state.hyperparamsStates.learningRate, {})] : learningRatesIn(inner, state),
    )
  }
}
