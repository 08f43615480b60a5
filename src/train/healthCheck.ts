import { DescentError } from '../core/errors'
import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import type { Diagnosis, DiagnosisCode } from './diagnosis'
import { gradStats } from './gradStats'
import {
  type MonitorOptions,
  type MonitorState,
  deadUnitsStep,
  deadUnitsDiagnosis,
  initMonitor,
  monitorStep,
} from './monitor'

/**
 * State of {@link healthCheck}: plain numbers only (so it checkpoints like any other state). Read the findings with
 * {@link diagnosesOf}.
 * @category train
 * @since 0.2.0
 */
export interface HealthCheckState {
  readonly count: number
  /** Σθ and Σθ² of the params at the last update (float64), and ‖u‖ of the updates that followed. */
  readonly paramSum: number
  readonly paramSumSq: number
  readonly lastUpdateNorm: number
  /** The loss monitor (fed with `extra.value` when given). */
  readonly monitor: Omit<MonitorState, 'reported'>
  /**
   * One slot per code it checks (a fixed length, so the state keeps its structure): the step at which the code was
   * found (NaN: not found) and the value it reports (see {@link diagnosesOf}).
   */
  readonly foundAt: readonly number[]
  readonly values: readonly number[]
  /** For `deadUnits`: the index of the weight leaf (rank ≥ 2, in flattening order) it was found in; NaN before. */
  readonly deadLeaf: number
}

const CODES: readonly DiagnosisCode[] = [
  'nonFinite',
  'paramsNotUpdated',
  'lossDiverging',
  'oscillation',
  'noProgress',
  'vanishingGradient',
  'explodingGradient',
  'deadUnits',
]

const TEXT: Readonly<
  Partial<Record<DiagnosisCode, readonly [severity: 'error' | 'warning', (v: number) => string, string]>>
> = {
  nonFinite: [
    'error',
    () => 'a gradient reaching healthCheck holds NaN or ±Infinity',
    'look for log(0), 0/0 or overflow in the loss; wrap the optimizer in applyIfFinite to skip such steps',
  ],
  paramsNotUpdated: [
    'error',
    (v) =>
      `update received the same params as at the previous step although that step's updates had norm ${v.toPrecision(3)}: ` +
      'the updates are not being applied (or are too small to change float32 params)',
    'after each update, set params = applyUpdates(params, updates) and state = the returned state (or use trainStep / fit, which thread them)',
  ],
  lossDiverging: [
    'error',
    (v) => `the loss is diverging (smoothed ${v.toPrecision(4)}, over 4× its best)`,
    'lower the learning rate (lrFind suggests one), add clipByGlobalNorm, or use a warmup schedule',
  ],
  oscillation: [
    'warning',
    () => 'the loss goes up and down alternately without improving',
    'the steps overshoot: lower the learning rate',
  ],
  noProgress: [
    'warning',
    (v) => `the loss has not decreased in ${v} steps`,
    'check that the updates are applied; try a larger learning rate (lrFind) or standardised inputs',
  ],
  vanishingGradient: [
    'warning',
    (v) => `the first weight layer's gradient RMS (${v.toExponential(2)}) vanishes against the other layers'`,
    'use relu/gelu in hidden layers and He/Glorot initialisation',
  ],
  explodingGradient: [
    'warning',
    (v) => `the first weight layer's gradient RMS (${v.toExponential(2)}) explodes against the last layer's`,
    'add clipByGlobalNorm or lower the learning rate',
  ],
}

/**
 * The checks of {@link fit} as a transform, for a hand-written loop over `update` + `applyUpdates`: put it first in
 * any chain (`chain(healthCheck(), adam(1e-3))`). It passes the updates through unchanged and records in its state
 * what it finds, read with {@link diagnosesOf}:
 * - `nonFinite` — a gradient with NaN or ±Infinity;
 * - `paramsNotUpdated` — the params passed to `update` did not change since the previous call although that call's
 *   updates were non-zero (the loop forgot `params = applyUpdates(params, updates)`; compared by Σθ and Σθ²);
 * - with the loss passed as `extra.value`: `lossDiverging`, `oscillation`, `noProgress` (see {@link MonitorOptions});
 * - `vanishingGradient` / `explodingGradient` from the per-layer gradient RMS;
 * - `deadUnits` — most units (columns) of a weight leaf had an exactly zero gradient for 10 steps running (dead ReLUs;
 *   see {@link MonitorOptions.deadUnitFraction}); a leaf the loss never reads looks the same from here.
 * Each code is recorded once. It needs the params (pass them to `update`).
 *
 * A loop that applies the updates but forgets `state = next` hands `update` the state init returned with params that
 * have moved: that is thrown at once, as a `stateNotUpdated` DescentError (a finding recorded in a state the loop
 * throws away would never be seen). Put healthCheck first in the chain, outside conditional wrappers, and init it
 * with the params the first update gets.
 * @param options - {@link MonitorOptions} thresholds.
 * @example
 * import { applyUpdates, chain, diagnosesOf, healthCheck, sgd, tensor } from 'descent-ts'
 * const opt = chain(healthCheck(), sgd(0.1))
 * const params = { w: tensor([1, 2]) }
 * let state = opt.init(params)
 * for (let i = 0; i < 3; i++) {
 *   const [updates, next] = opt.update({ w: tensor([1, 1]) }, state, params)
 *   state = next // forgot: params = applyUpdates(params, updates)
 *   void updates
 * }
 * assert.strictEqual(diagnosesOf(state[0])[0]?.code, 'paramsNotUpdated')
 * @category train
 * @since 0.2.0
 */
export function healthCheck(options: MonitorOptions = {}): GradientTransformation<HealthCheckState> {
  const tx: GradientTransformation<HealthCheckState> = {
    init: (params) => {
      const { reported: _, ...monitor } = initMonitor(options)
      const none = CODES.map(() => NaN)
      // The params init was given: a state still at count 0 next to params that moved was not threaded (update
      // throws stateNotUpdated).
      const [paramSum, paramSumSq] = fingerprint(params as PyTree)
      return {
        count: 0,
        paramSum,
        paramSumSq,
        lastUpdateNorm: 0,
        monitor,
        foundAt: none,
        values: none,
        deadLeaf: NaN,
      }
    },
    update: (updates, state, params, extra) => {
      const foundAt = [...state.foundAt]
      const values = [...state.values]
      const add = (code: DiagnosisCode, value: number) => {
        const i = CODES.indexOf(code)
        if (!Number.isNaN(foundAt[i]!)) return
        foundAt[i] = state.count
        values[i] = value
      }
      const { norm, layerRms, deadUnits } = gradStats(updates as PyTree, { deadUnits: true })
      let deadLeaf = state.deadLeaf
      if (!Number.isFinite(norm) && !tree.allFinite(updates as PyTree)) add('nonFinite', NaN)
      let paramSum = NaN
      let paramSumSq = NaN
      if (params !== undefined && params !== null) {
        ;[paramSum, paramSumSq] = fingerprint(params as PyTree)
        if (state.count === 0 && (paramSum !== state.paramSum || paramSumSq !== state.paramSumSq)) {
          if (Number.isFinite(state.paramSum) && Number.isFinite(paramSum)) throw stateNotUpdated()
        }
        // Updates below float32 resolution of the params (‖u‖ ≤ 1e-4·‖θ‖: near a minimum) may legitimately not move them.
        if (
          state.count > 0 &&
          state.lastUpdateNorm > 1e-4 * Math.sqrt(paramSumSq) &&
          paramSum === state.paramSum &&
          paramSumSq === state.paramSumSq
        ) {
          add('paramsNotUpdated', state.lastUpdateNorm)
        }
      }
      const reported = CODES.filter((_, i) => !Number.isNaN(foundAt[i]!))
      let monitor = { ...state.monitor, reported } as MonitorState
      const value = extra?.value
      let found: readonly Diagnosis[]
      if (typeof value === 'number' && Number.isFinite(value)) {
        ;[monitor, found] = monitorStep(monitor, value, state.count, layerRms, options, deadUnits)
      } else {
        // Without the loss, the dead-unit rule still runs (it needs the gradients only).
        const [dead, d] = deadUnitsStep(monitor.dead, deadUnits, state.count, options)
        monitor = { ...monitor, dead }
        found = d === undefined || monitor.reported.includes('deadUnits') ? [] : [d]
      }
      for (const d of found) {
        if (d.code === 'deadUnits') {
          deadLeaf = Object.keys(layerRms).indexOf(d.path!)
          add(d.code, deadUnits[d.path!]!)
        } else {
          add(
            d.code,
            d.code === 'noProgress' ? monitor.count : d.code === 'lossDiverging' ? value! : firstRms(layerRms),
          )
        }
      }
      const { reported: _, ...kept } = monitor
      // The updates pass through unchanged; their norm is taken by the next call's paramsNotUpdated test.
      return [
        updates,
        {
          count: state.count + 1,
          paramSum,
          paramSumSq,
          lastUpdateNorm: norm,
          monitor: kept,
          foundAt,
          values,
          deadLeaf,
        },
      ]
    },
  }
  return tx
}

/** Σθ and Σθ² of the params (float64): equal for the same params, and changed by any step that moves them. */
function fingerprint(params: PyTree | undefined): readonly [number, number] {
  if (params === undefined || params === null) return [NaN, NaN]
  let sum = 0
  for (const x of tree.leaves(params)) sum += isTensor(x) ? tree.sum(x) : x
  return [sum, tree.norm(params, { squared: true })]
}

const stateNotUpdated = (): DescentError =>
  new DescentError(
    'healthCheck: stateNotUpdated: update received the state that init returned (count 0) together with params that ' +
      'differ from the ones init was given. The loop applies the updates but does not keep the state that update ' +
      'returns, so every step is a first step (Adam: a step of about lr in every coordinate; momentum, schedules ' +
      'and counts never advance). Fix: keep both results of every update: ' +
      'const [updates, next] = optimizer.update(grads, state, params); params = applyUpdates(params, updates); ' +
      'state = next (or use trainStep / fit, which thread them). If the first update is meant to get other params ' +
      'than init, call init with those params.',
    { code: 'stateNotUpdated' },
  )

const firstRms = (layerRms: Readonly<Record<string, number>>): number => Object.values(layerRms)[0] ?? NaN

/**
 * The diagnoses recorded in a {@link healthCheck} state, in the order they were found. `params` (the params, or any
 * tree of the same structure) names the weight leaf of a `deadUnits` finding (`grads.hidden.w`); without it the leaf
 * is named by its index among the weight leaves.
 * @example
 * import { diagnosesOf, healthCheck, tensor } from 'descent-ts'
 * const tx = healthCheck()
 * const [, s] = tx.update({ w: tensor([NaN]) }, tx.init({ w: tensor([0]) }), { w: tensor([0]) })
 * assert.strictEqual(diagnosesOf(s)[0]?.code, 'nonFinite')
 * @category train
 * @since 0.2.0
 */
export function diagnosesOf(state: HealthCheckState, params?: PyTree): Diagnosis[] {
  return CODES.flatMap((code, i): Diagnosis[] => {
    const step = state.foundAt[i]!
    if (Number.isNaN(step)) return []
    if (code === 'deadUnits') {
      return [deadUnitsDiagnosis(weightPath(state.deadLeaf, params), state.values[i]!, undefined, step)]
    }
    const [severity, message, fix] = TEXT[code]!
    return [{ code, severity, step, message: message(state.values[i]!), fix }]
  }).sort((a, b) => a.step! - b.step!)
}

/** The path of the k-th weight leaf (rank ≥ 2) of `params` (as `grads.…`), or its index when no params are given. */
function weightPath(k: number, params: PyTree | undefined): string {
  if (params !== undefined) {
    const weights = tree.flattenWithPath(params)[0].filter(([, l]) => isTensor(l) && l.shape.length >= 2)
    const entry = weights[k]
    if (entry !== undefined) return tree.keystr(entry[0], 'grads')
  }
  return `weight leaf #${k} (pass the params to diagnosesOf to name it)`
}
