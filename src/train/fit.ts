import { DescentError, HyperparameterError, ShapeError, StructureError } from '../core/errors'
import { checkBoolean } from '../core/hyperparams'
import { type PRNGKey, prngKey, splitKey } from '../core/prng'
import { type Tensor, isTensor } from '../core/tensor'
import * as tree from '../core/tree'
import type { GradientTransformation, PyTree } from '../core/types'
import type { Diagnosis } from './diagnosis'
import type { EpochRecord, History, StepInfo, StepRecord } from './history'
import { featureScaleChecks } from './dataChecks'
import { type MonitorOptions, finishMonitor, initMonitor, monitorStep } from './monitor'
import { type ProgressEvent, terminalProgress } from './progress'
import { sharpness } from './sharpness'
import { type LossFn, trainStep } from './trainStep'
import { type TrainState, copyTensors, initTrainState } from './trainState'

/**
 * Early stopping in {@link fit} (Keras' `EarlyStopping`): stop when the monitored value has not improved by more than
 * `minDelta` for `patience` epochs, and hand back the params of the best epoch.
 * @category train
 * @since 0.2.0
 */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping; a positive integer. */
  readonly patience: number
  /** The smallest change that counts as an improvement; ≥ 0. @defaultValue 0 */
  readonly minDelta?: number | undefined
  /**
   * The value watched: a key of what `evaluate` returns (a number is called `loss`), or `'trainLoss'` (the epoch's
   * mean training loss). @defaultValue `'loss'` with `evaluate`, else `'trainLoss'`
   */
  readonly monitor?: string | undefined
  /** `'min'` for losses, `'max'` for accuracies. @defaultValue 'min' */
  readonly mode?: 'min' | 'max' | undefined
  /** Return the params of the best epoch (the rest of the state stays the last one's). @defaultValue true */
  readonly restoreBest?: boolean | undefined
}

/**
 * Options of {@link fit}.
 * @category train
 * @since 0.2.0
 */
export interface FitOptions<P extends PyTree, B, S> {
  /** `(params, batch) => scalar Tensor` (or `[scalar, aux]` with `hasAux`), written with descent ops. */
  readonly loss: LossFn<P, B>
  readonly optimizer: GradientTransformation<S>
  /** The initial params (never modified: fit trains a copy). Give `params` or `state`. */
  readonly params?: P | undefined
  /**
   * A state to resume from (e.g. from {@link loadCheckpoint}): training goes on from `state.step`, skipping the
   * batches the run had already taken, so a run resumed with the same options equals the uninterrupted one.
   */
  readonly state?: TrainState<P, S> | undefined
  /**
   * The batches: an iterable (iterated again every epoch: an array, or {@link batches}' result), or
   * `(epoch, key) => Iterable` with a key derived from `key` and the epoch (for shuffling).
   */
  readonly data: Iterable<B> | ((epoch: number, key: PRNGKey) => Iterable<B>)
  /** Number of epochs (total, counted from step 0). @defaultValue 1, unless `steps` is given */
  readonly epochs?: number | undefined
  /** Stop after this many steps in all (counted from step 0). @defaultValue no limit */
  readonly steps?: number | undefined
  /** Called with a copy of the params at the end of each epoch: a number (stored as `loss`) or named numbers. */
  readonly evaluate?: ((params: P, epoch: number) => number | Readonly<Record<string, number>>) | undefined
  readonly earlyStopping?: EarlyStoppingOptions | undefined
  /** Called after every step with its measurements. */
  readonly onStep?: ((info: StepInfo & { readonly step: number; readonly epoch: number }) => void) | undefined
  /** `true`: a progress line on a terminal (Node); a function: called with every {@link ProgressEvent}. */
  readonly progress?: boolean | ((event: ProgressEvent) => void) | undefined
  /**
   * Run the checks: each step's (see {@link trainStep}), the run's (see {@link MonitorOptions}: diverging,
   * oscillating or stalled loss, vanishing or exploding gradients), unscaled input features (on the first batch), and
   * on divergence the sharpness test (`lrTooHigh` when the effective step ‖u‖/‖g‖ exceeds 2/λ_max). `false` turns
   * them all off; an object tunes the run's thresholds. @defaultValue true
   */
  readonly diagnostics?: boolean | MonitorOptions | undefined
  /**
   * Called once with each new diagnosis (each code is reported once per run). @defaultValue a `console.warn` line per
   * diagnosis: `descent [warning] noProgress at step 200: … Fix: …`
   */
  readonly onDiagnosis?: ((diagnosis: Diagnosis) => void) | undefined
  /** Stop at the first `error` diagnosis. @defaultValue true */
  readonly stopOnError?: boolean | undefined
  readonly hasAux?: boolean | undefined
  /** The key the epochs' keys are split from. @defaultValue prngKey(0) */
  readonly key?: PRNGKey | undefined
}

/**
 * What {@link fit} returns. Nothing in it is ever changed by descent afterwards.
 * @category train
 * @since 0.2.0
 */
export interface FitResult<P extends PyTree, S> {
  /** The final state (its params are the best epoch's with early stopping and `restoreBest`). */
  readonly state: TrainState<P, S>
  readonly history: History
  /** Every diagnosis of the run, in order. */
  readonly diagnoses: readonly Diagnosis[]
  /** Why training stopped. */
  readonly stopped: 'completed' | 'earlyStopping' | 'diagnosis'
}

/** The key of epoch e: the e-th of e + 1 keys split from `key` (a function of key and epoch only). */
const epochKey = (key: PRNGKey, epoch: number): PRNGKey => splitKey(key, epoch + 1)[epoch]!

/**
 * Trains a model: a pure reducer ({@link trainStep}) run over batches for some epochs or steps, with history,
 * evaluation, early stopping, diagnostics and progress.
 * ```text
 * for epoch e, for batch in data(e, key_e):  (state, info) = trainStep(loss, optimizer)(state, batch)
 * ```
 * fit owns the states it threads and donates them from step to step (no fresh arrays per step); the params it is
 * given are copied first and never modified, and what it hands out (the result, history, evaluate's params) is never
 * changed afterwards. Every batch must have the first batch's structure and shapes (the leading axis may be smaller:
 * a last, partial batch); anything else is a DescentError naming the path. The optimizer receives the step's loss as
 * `extra.value` (reduceOnPlateau, polyakSgd), its gradient and `valueFn`.
 * @returns `{ state, history, diagnoses, stopped }` ({@link FitResult}).
 * @example
 * import { batches, fit, ops, sgd, tensor, type Tensor } from 'descent-ts'
 * const data = { x: tensor([0, 1, 2, 3, 4, 5, 6, 7]), y: tensor([1, 3, 5, 7, 9, 11, 13, 15]) } // y = 2x + 1
 * type Batch = typeof data
 * const loss = (p: { w: Tensor; b: Tensor }, d: Batch) =>
 *   ops.mean(ops.square(ops.sub(ops.add(ops.mul(p.w, d.x), p.b), d.y)))
 * const { state, history } = fit({
 *   loss, optimizer: sgd(0.02), params: { w: tensor(0), b: tensor(0) },
 *   data: (_epoch, key) => batches(data, { batchSize: 4, key }), epochs: 300,
 * })
 * assert.ok(Math.abs(state.params.w.item() - 2) < 1e-2 && Math.abs(state.params.b.item() - 1) < 5e-2)
 * assert.strictEqual(history.steps.length, 600)
 * @category train
 * @since 0.2.0
 */
export function fit<P extends PyTree, B, S>(options: FitOptions<P, B, S>): FitResult<P, S> {
  const owner = 'fit'
  const { loss, optimizer, data, evaluate, onStep } = options
  if (typeof loss !== 'function')
    throw new DescentError(`${owner}: options.loss must be a function (params, batch) => scalar Tensor`)
  if ((options.params === undefined) === (options.state === undefined)) {
    throw new DescentError(`${owner}: pass exactly one of options.params (a new run) and options.state (to resume)`)
  }
  const epochs = checkCount(owner, 'options.epochs', options.epochs ?? (options.steps === undefined ? 1 : Infinity))
  const steps = checkCount(owner, 'options.steps', options.steps ?? Infinity)
  const stopOnError = checkBoolean(owner, 'options.stopOnError', options.stopOnError ?? true)
  const key = options.key ?? prngKey(0)
  const stopping =
    options.earlyStopping === undefined
      ? null
      : checkEarlyStopping(owner, options.earlyStopping, evaluate !== undefined)
  const report =
    options.progress === true ? terminalProgress() : typeof options.progress === 'function' ? options.progress : null

  const checks = options.diagnostics ?? true
  const monitorOptions = typeof checks === 'object' ? checks : {}
  const onDiagnosis = options.onDiagnosis ?? printDiagnosis
  const step = trainStep<P, B, S>(loss, optimizer, {
    donate: true,
    hasAux: options.hasAux,
    diagnostics: checks !== false,
  })
  let monitor = initMonitor(monitorOptions)
  const reportedCodes = new Set<string>()
  const record = (ds: readonly Diagnosis[]) => {
    for (const d of ds) {
      diagnoses.push(d)
      if (reportedCodes.has(d.code)) continue
      reportedCodes.add(d.code)
      onDiagnosis(d)
    }
  }
  // fit's own copy: the first donated step writes into it, never into what the caller holds.
  let state: TrainState<P, S> =
    options.state !== undefined
      ? {
          params: copyTensors(options.state.params),
          optState: copyTensors(options.state.optState),
          step: options.state.step,
        }
      : initTrainState(options.params!, optimizer)
  const skip = state.step
  const stepRecords: StepRecord[] = []
  const epochRecords: EpochRecord[] = []
  const diagnoses: Diagnosis[] = []
  let best: { value: number; params: P } | null = null
  let sinceBest = 0
  let stopped: FitResult<P, S>['stopped'] = 'completed'
  let first: BatchShape | null = null
  let seen = 0 // batches taken from the data, counted from step 0 of the run (to skip those a resumed run did)

  for (let epoch = 0; epoch < epochs && state.step < steps && stopped === 'completed'; epoch++) {
    const source = typeof data === 'function' ? data(epoch, epochKey(key, epoch)) : data
    let lossSum = 0
    let count = 0
    let batchesInEpoch = 0
    for (const batch of source) {
      batchesInEpoch++
      if (seen++ < skip) continue
      const isFirst = first === null
      first = checkBatch(owner, batch, first, state.step, epoch)
      if (isFirst && checks !== false && first !== null) record(featureScaleChecks(batch as PyTree, state.step))
      const [next, info] = step(state, batch)
      const stepRecord = {
        step: state.step,
        epoch,
        loss: info.loss,
        gradNorm: info.gradNorm,
        updateNorm: info.updateNorm,
        paramNorm: info.paramNorm,
      }
      stepRecords.push(stepRecord)
      record(info.diagnoses)
      if (checks !== false && Number.isFinite(info.loss)) {
        const [m, found] = monitorStep(
          monitor,
          info.loss,
          state.step,
          info.layerGradRms,
          monitorOptions,
          info.deadUnits,
        )
        monitor = m
        record(found)
        if (found.some((d) => d.code === 'lossDiverging')) record(lrAdvice(loss, next.params, batch, info, state.step))
      }
      // A step that was not applied (non-finite loss or gradient) still used its batch: the count goes on, so that
      // `steps` bounds the batches taken and a resumed run skips exactly the batches the first one took.
      state = next === state ? { ...state, step: state.step + 1 } : next
      lossSum += info.loss
      count++
      onStep?.({ ...info, step: stepRecord.step, epoch })
      report?.({ epoch, step: state.step, loss: info.loss, epochEnd: false, ...limits(epochs, steps) })
      if (stopOnError && diagnoses.some((d) => d.severity === 'error')) {
        stopped = 'diagnosis'
        break
      }
      if (state.step >= steps) break
    }
    if (batchesInEpoch === 0) {
      throw new DescentError(
        `${owner}: the data gave no batch in epoch ${epoch}. A generator can be iterated only once: pass an array, ` +
          'batches(...) or a function (epoch, key) => Iterable.',
      )
    }
    if (count === 0) continue // an epoch a resumed run had already finished
    const evalValues = evaluate === undefined ? undefined : named(owner, evaluate(copyTensors(state.params), epoch))
    const epochRecord: EpochRecord = {
      epoch,
      step: state.step,
      trainLoss: lossSum / count,
      ...(evalValues === undefined ? {} : { eval: evalValues }),
    }
    epochRecords.push(epochRecord)
    report?.({
      epoch,
      step: state.step,
      loss: epochRecord.trainLoss,
      epochEnd: true,
      ...limits(epochs, steps),
      ...(evalValues ? { eval: evalValues } : {}),
    })
    if (stopping !== null && stopped === 'completed') {
      const value = stopping.monitor === 'trainLoss' ? epochRecord.trainLoss : evalValues?.[stopping.monitor]
      if (value === undefined) {
        throw new DescentError(
          `${owner}: earlyStopping.monitor "${stopping.monitor}" is not among evaluate's results (${Object.keys(evalValues ?? {}).join(', ')})`,
        )
      }
      const better =
        best === null ||
        (stopping.mode === 'min' ? value < best.value - stopping.minDelta : value > best.value + stopping.minDelta)
      if (better) {
        best = { value, params: copyTensors(state.params) }
        sinceBest = 0
      } else if (++sinceBest >= stopping.patience) {
        stopped = 'earlyStopping'
      }
    }
  }
  if (checks !== false) record(finishMonitor(monitor, state.step))
  if (stopping?.restoreBest === true && best !== null) state = { ...state, params: best.params }
  return { state, history: { steps: stepRecords, epochs: epochRecords }, diagnoses, stopped }
}

/** The default of `onDiagnosis`: one line on the console per new diagnosis. */
function printDiagnosis(d: Diagnosis): void {
  const at = d.step === undefined ? '' : ` at step ${d.step}`
  const where = d.path === undefined ? '' : ` (${d.path})`
  console.warn(`descent [${d.severity}] ${d.code}${at}${where}: ${d.message}. Fix: ${d.fix}`)
}

/**
 * `lrTooHigh` when the loss diverges and the effective step η = ‖u‖/‖g‖ of the last step is beyond the stability limit
 * 2/λ_max of the loss at the params (GD's: a quadratic model of the loss grows along the top eigenvector when
 * η·λ_max > 2). Costs 20 Hessian-vector products, once per run.
 */
function lrAdvice<P extends PyTree, B>(
  loss: LossFn<P, B>,
  params: P,
  batch: B,
  info: StepInfo,
  step: number,
): Diagnosis[] {
  if (!(info.gradNorm > 0) || !Number.isFinite(info.updateNorm)) return []
  let lambda: number
  let maxStableLr: number
  try {
    ;({ lambda, maxStableLr } = sharpness(loss, copyTensors(params), batch))
  } catch {
    return [] // a loss that cannot be differentiated twice (a customVjp without a rule for its rule): no advice
  }
  const eta = info.updateNorm / info.gradNorm
  if (!(eta > maxStableLr)) return []
  return [
    {
      code: 'lrTooHigh',
      severity: 'error',
      step,
      message: `the effective step ‖u‖/‖g‖ = ${eta.toPrecision(3)} exceeds the stability limit 2/λ_max = ${maxStableLr.toPrecision(3)} (the loss's sharpness λ_max ≈ ${lambda.toPrecision(3)}, by power iteration on Hessian-vector products)`,
      fix: `use a learning rate below ${maxStableLr.toPrecision(2)} (for sgd; adaptive optimizers need a proportionally smaller one), or a warmup schedule`,
    },
  ]
}

const limits = (epochs: number, steps: number) => ({
  ...(Number.isFinite(epochs) ? { epochs } : {}),
  ...(Number.isFinite(steps) ? { steps } : {}),
})

function checkCount(owner: string, name: string, x: number): number {
  if (x === Infinity || (Number.isSafeInteger(x) && x >= 0)) return x
  throw new HyperparameterError(`${owner} ${name} must be an integer ≥ 0; got ${String(x)}`)
}

interface Stopping {
  readonly patience: number
  readonly minDelta: number
  readonly monitor: string
  readonly mode: 'min' | 'max'
  readonly restoreBest: boolean
}

function checkEarlyStopping(owner: string, o: EarlyStoppingOptions, hasEval: boolean): Stopping {
  const name = `${owner} options.earlyStopping`
  if (!Number.isSafeInteger(o.patience) || o.patience < 1) {
    throw new HyperparameterError(`${name}.patience must be a positive integer; got ${String(o.patience)}`)
  }
  const minDelta = o.minDelta ?? 0
  if (!(minDelta >= 0 && Number.isFinite(minDelta))) {
    throw new HyperparameterError(`${name}.minDelta must be a finite number ≥ 0; got ${String(minDelta)}`)
  }
  const mode = o.mode ?? 'min'
  if (mode !== 'min' && mode !== 'max')
    throw new HyperparameterError(`${name}.mode must be 'min' or 'max'; got ${String(mode)}`)
  const monitor = o.monitor ?? (hasEval ? 'loss' : 'trainLoss')
  if (monitor !== 'trainLoss' && !hasEval) {
    throw new HyperparameterError(`${name}.monitor "${monitor}" needs options.evaluate (or monitor 'trainLoss')`)
  }
  return {
    patience: o.patience,
    minDelta,
    monitor,
    mode,
    restoreBest: checkBoolean(owner, 'options.earlyStopping.restoreBest', o.restoreBest ?? true),
  }
}

function named(owner: string, v: number | Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const out = typeof v === 'number' ? { loss: v } : v
  for (const [k, x] of Object.entries(out)) {
    if (typeof x !== 'number')
      throw new DescentError(`${owner}: evaluate returned ${typeof x} for "${k}"; return numbers`)
  }
  return { ...out }
}

interface BatchShape {
  readonly def: PyTree
  readonly shapes: readonly (readonly number[] | null)[]
  readonly paths: readonly string[]
}

/** The first batch fixes the structure and shapes; later ones must match (axis 0 may be smaller: a last batch). */
function checkBatch(
  owner: string,
  batch: unknown,
  first: BatchShape | null,
  step: number,
  epoch: number,
): BatchShape | null {
  if (tree.validateE(batch as PyTree)._tag === 'Left') return first // not a pytree (e.g. strings): the loss checks it
  const [leaves] = tree.flattenWithPath(batch as PyTree)
  const paths = leaves.map(([p]) => tree.keystr(p, 'batch'))
  const shapes = leaves.map(([, l]) => (isTensor(l) ? (l as Tensor).shape : null))
  if (first === null) return { def: batch as PyTree, shapes, paths }
  const where = `at step ${step} (epoch ${epoch})`
  if (!tree.equalStructure(first.def, batch as PyTree)) {
    throw new StructureError(
      `${owner}: the batch ${where} has leaves [${paths.join(', ')}] but the first batch had [${first.paths.join(', ')}]; ` +
        'every batch needs the same structure',
    )
  }
  shapes.forEach((s, i) => {
    const f = first.shapes[i]
    if (s === null || f === null || f === undefined) return
    const ok = s.length === f.length && s.every((d, j) => (j === 0 ? d <= f[0]! : d === f[j]))
    if (!ok) {
      throw new ShapeError(
        `${owner}: ${paths[i]} ${where}: shape [${s.join(',')}] vs [${f.join(',')}] of the first batch; only the ` +
          'leading (batch) axis may differ, and only be smaller (a last, partial batch)',
      )
    }
  })
  return first
}
