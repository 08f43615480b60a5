import { isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import type { Diagnosis, DiagnosisCode } from './diagnosis'
import { gradStats } from './gradStats'
import { type MonitorOptions, type MonitorState, initMonitor, monitorStep } from './monitor'

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
}

const CODES: readonly DiagnosisCode[] = [
  'nonFinite',
  'paramsNotUpdated',
  'lossDiverging',
  'oscillation',
  'noProgress',
  'vanishingGradient',
  'explodingGradient',
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
 * - `vanishingGradient` / `explodingGradient` from the per-layer gradient RMS.
 * Each code is recorded once. It needs the params (pass them to `update`).
 * @param options - {@link MonitorOptions} thresholds.
 * @example
 * import { applyUpdates, chain, diagnosesOf, healthCheck, sgd, tensor } from 'descent'
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
    init: () => {
      const { reported: _, ...monitor } = initMonitor(options)
      const none = CODES.map(() => NaN)
      return { count: 0, paramSum: NaN, paramSumSq: NaN, lastUpdateNorm: 0, monitor, foundAt: none, values: none }
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
      const { norm, layerRms } = gradStats(updates as PyTree)
      if (!Number.isFinite(norm) && !tree.allFinite(updates as PyTree)) add('nonFinite', NaN)
      let paramSum = NaN
      let paramSumSq = NaN
      if (params !== undefined && params !== null) {
        paramSum = 0
        for (const x of tree.leaves(params as PyTree)) paramSum += isTensor(x) ? tree.sum(x) : x
        paramSumSq = tree.norm(params as PyTree, { squared: true })
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
      if (typeof value === 'number' && Number.isFinite(value)) {
        const [m, found] = monitorStep(monitor, value, state.count, layerRms, options)
        monitor = m
        for (const d of found)
          add(d.code, d.code === 'noProgress' ? m.count : d.code === 'lossDiverging' ? value : firstRms(layerRms))
      }
      const { reported: _, ...kept } = monitor
      // The updates pass through unchanged; their norm is taken by the next call's paramsNotUpdated test.
      return [
        updates,
        { count: state.count + 1, paramSum, paramSumSq, lastUpdateNorm: norm, monitor: kept, foundAt, values },
      ]
    },
  }
  return tx
}

const firstRms = (layerRms: Readonly<Record<string, number>>): number => Object.values(layerRms)[0] ?? NaN

/**
 * The diagnoses recorded in a {@link healthCheck} state, in the order they were found.
 * @example
 * import { diagnosesOf, healthCheck, tensor } from 'descent'
 * const tx = healthCheck()
 * const [, s] = tx.update({ w: tensor([NaN]) }, tx.init({ w: tensor([0]) }), { w: tensor([0]) })
 * assert.strictEqual(diagnosesOf(s)[0]?.code, 'nonFinite')
 * @category train
 * @since 0.2.0
 */
export function diagnosesOf(state: HealthCheckState): Diagnosis[] {
  return CODES.flatMap((code, i) => {
    const step = state.foundAt[i]!
    if (Number.isNaN(step)) return []
    const [severity, message, fix] = TEXT[code]!
    return [{ code, severity, step, message: message(state.values[i]!), fix }]
  }).sort((a, b) => a.step - b.step)
}
