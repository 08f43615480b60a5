import { HyperparameterError } from '../core/errors'
import type { ExtraArgs, GradientTransformation, PyTree } from '../core/types'
import { type StateSpec, checkState, checkParams } from '../core/stateCheck'

/**
 * A measure of {@link monitor}: a function of the updates, or a transform whose output is the measurement (it may
 * keep state, e.g. an exponential moving average of a norm).
 * @category transforms
 * @since 0.1.0
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Measure = ((updates: PyTree) => PyTree) | GradientTransformation<any>

/**
 * State of {@link monitor}: the last measurements and the measures' own states, each under the measure's name.
 * @category transforms
 * @since 0.1.0
 */
export interface MonitorState {
  /** `{ [name]: measurement }` from the last update (at init: the measures applied to the params). */
  readonly measurements: { readonly [name: string]: PyTree }
  /** `{ [name]: state }`: the state of each transform measure (`{}` for a function). */
  readonly measureStates: { readonly [name: string]: unknown }
}

const isTransformation = (x: unknown): x is GradientTransformation<unknown> =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as { init?: unknown }).init === 'function' &&
  typeof (x as { update?: unknown }).update === 'function'

/**
 * Records several measurements of the updates, some of them stateful, leaving the updates unchanged.
 *
 * Extends {@link snapshot}: each entry of `measures` is a function of the updates or a transform whose output is the
 * measurement; a transform measure gets the updates, its own state, the params and the extra arguments. Deviation
 * from optax, whose state starts with no measurements: `init` stores each measure applied to the params (a
 * transform measure is run once on the params from its initial state, which is kept), so the state's structure
 * never changes. States are records keyed by name (optax: a tuple in the dict's order).
 *
 * ```text
 * u = g      measurements[name] = measure(g)   or   (measurements[name], s_name) = measure.update(g, s_name, θ)
 * ```
 *
 * @param measures - `{ name: function or transform }`, at least one.
 * @returns A {@link GradientTransformation} whose state is a {@link MonitorState}.
 * @throws HyperparameterError when `measures` is empty or holds something other than a function or a transform.
 * @example
 * import { chain, clipByGlobalNorm, ema, monitor, tree } from 'descent-ts'
 * const tx = chain(monitor({ norm: (u) => tree.norm(u), emaOfUpdates: ema(0.5, { debias: false }) }), clipByGlobalNorm(1))
 * let state = tx.init([0, 0])
 * const [u, s1] = tx.update([3, 4], state)
 * state = s1
 * assert.deepStrictEqual(state[0].measurements, { norm: 5, emaOfUpdates: [1.5, 2] })
 * assert.deepStrictEqual(u, [0.6, 0.8])
 * @see snapshot
 * @category transforms
 * @since 0.1.0
 */
export function monitor(measures: { readonly [name: string]: Measure }): GradientTransformation<MonitorState> {
  if (typeof measures !== 'object' || measures === null || Object.keys(measures).length === 0) {
    throw new HyperparameterError('monitor measures must be a non-empty record { name: function or transform }')
  }
  const entries = Object.keys(measures)
    .sort()
    .map((name) => {
      const m = measures[name]
      if (typeof m === 'function') return [name, m as (u: PyTree) => PyTree] as const
      if (isTransformation(m)) return [name, m] as const
      throw new HyperparameterError(
        `monitor measures.${name} must be a function (updates) => pytree or a GradientTransformation`,
      )
    })
  const names = Object.fromEntries(entries.map(([name]) => [name, 'any' as const]))
  const spec: StateSpec = { measurements: names, measureStates: names }
  const run = (updates: PyTree, states: MonitorState['measureStates'], params?: PyTree, extra?: ExtraArgs) => {
    const measurements: Record<string, PyTree> = {}
    const measureStates: Record<string, unknown> = {}
    for (const [name, m] of entries) {
      if (typeof m === 'function') {
        measurements[name] = m(updates)
        measureStates[name] = {}
      } else {
        const [value, s] = m.update(updates, states[name], params, extra)
        measurements[name] = value
        measureStates[name] = s
      }
    }
    return { measurements, measureStates }
  }
  return {
    init: (params) => {
      checkParams('monitor.init', params)
      const initial = Object.fromEntries(
        entries.map(([name, m]) => [name, typeof m === 'function' ? {} : m.init(params)]),
      )
      return { measurements: run(params, initial, params).measurements, measureStates: initial }
    },
    update: (updates, state, params, extra) => {
      checkState('monitor', state, spec, updates, params)
      return [updates, run(updates, state.measureStates, params, extra)]
    },
  }
}
