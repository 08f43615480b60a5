import { HyperparameterError } from '../core/errors'
import type { GradientTransformation, PyTree } from '../core/types'
import { checkState, checkParams } from '../core/stateCheck'

/**
 * Options of {@link snapshot}.
 * @category transforms
 * @since 0.1.0
 */
export interface SnapshotOptions {
  /**
   * The key under which the measurement is stored in `state.measurement`.
   * @defaultValue required
   */
  readonly measureName: string
  /**
   * The measurement: a function of the updates (at that point of the chain) returning a pytree, e.g. `tree.norm`.
   * @defaultValue required
   */
  readonly measure: (updates: PyTree) => PyTree
}

/**
 * State of {@link snapshot}: the last measurement, under its name.
 * @category transforms
 * @since 0.1.0
 */
export interface SnapshotState {
  /** `{ [measureName]: measure(updates) }` (at init: `measure(params)`). */
  readonly measurement: { readonly [name: string]: PyTree }
}

/**
 * Takes a measurement of the updates and stores it in the state, leaving the updates unchanged (a debugging probe).
 *
 * Put it anywhere in a chain to record, e.g., the norm of the updates before clipping. `init` stores the measure of
 * the params, so the state has the same structure before and after the first step. Read the value with
 * `tree.get(state, …)` or directly from `state.measurement`.
 *
 * ```text
 * u = g          measurement[measureName] = measure(g)
 * ```
 *
 * @param measureName - The name, positionally (then `measure` second) or in {@link SnapshotOptions}.
 * @param measure - The measurement function.
 * @returns A {@link GradientTransformation} whose state is a {@link SnapshotState}.
 * @throws HyperparameterError when the name is not a non-empty string or `measure` is not a function.
 * @example
 * import { chain, clipByGlobalNorm, snapshot, tree } from 'descent-ts'
 * const tx = chain(snapshot('normBeforeClip', (u) => tree.norm(u)), clipByGlobalNorm(1))
 * const [u, state] = tx.update([3, 4], tx.init([0, 0]))
 * assert.deepStrictEqual(state[0].measurement, { normBeforeClip: 5 })
 * assert.deepStrictEqual(u, [0.6, 0.8])
 * @see monitor
 * @category transforms
 * @since 0.1.0
 */
export function snapshot(
  measureName: string,
  measure: (updates: PyTree) => PyTree,
): GradientTransformation<SnapshotState>
export function snapshot(options: SnapshotOptions): GradientTransformation<SnapshotState>
export function snapshot(
  measureName: string | SnapshotOptions,
  measure?: (updates: PyTree) => PyTree,
): GradientTransformation<SnapshotState> {
  const positional = typeof measureName === 'string'
  const options: Partial<SnapshotOptions> = positional ? { measureName, ...(measure ? { measure } : {}) } : measureName
  const name = options.measureName
  const fn = options.measure
  if (typeof name !== 'string' || name === '') {
    throw new HyperparameterError(
      `snapshot ${positional ? '' : 'options.'}measureName must be a non-empty string; got ${String(name)}`,
    )
  }
  if (typeof fn !== 'function') {
    throw new HyperparameterError(
      `snapshot ${positional ? '' : 'options.'}measure must be a function (updates) => pytree; got ${String(fn)}`,
    )
  }
  return {
    init: (params) => (checkParams('snapshot.init', params), { measurement: { [name]: fn(params) } }),
    update: (updates, state, params) => {
      checkState('snapshot', state, { measurement: { [name]: 'any' } }, updates, params)
      return [updates, { measurement: { [name]: fn(updates) } }]
    },
  }
}
