/**
 * The demo's training run, with no page in it: the MNIST MLP of examples/05-mnist-mlp.long.ts (784 → 128 relu → 10,
 * softmax cross-entropy) trained by the train layer (`initTrainState`, `trainStep`, `batches`) on the digits the page
 * fetched. It runs in the page (main.ts) and, for the record, in Node (`npx tsx examples/browser/trainMnist.ts`).
 *
 * Why not `fit`: fit is one synchronous loop, and a page does not repaint until the script returns. This loop is
 * fit's loop written out (shuffle each epoch from the epoch's key, one `trainStep` per batch, evaluate at the end of
 * each epoch) with an `await` every few steps so the browser can draw the curve as it grows.
 */
import {
  type EpochRecord,
  type History,
  type PRNGKey,
  type StepRecord,
  type Tensor,
  adam,
  add,
  batches,
  glorotUniform,
  heNormal,
  initTrainState,
  matmul,
  ops,
  prngKey,
  relu,
  softmaxCrossEntropyWithIntegerLabels,
  splitKey,
  tensor,
  trainStep,
  zeros,
} from '../../src/index'

export const IMAGE_SIZE = 784
export const NUM_CLASSES = 10
const HIDDEN = 128

/** Digits as the server sends them: `images` row-major `[count, 784]` bytes (pixel · 255), `labels[i]` in 0 … 9. */
export interface DigitBytes {
  readonly images: Uint8Array
  readonly labels: Uint8Array
  readonly count: number
}

export interface TrainOptions {
  readonly epochs?: number
  readonly batchSize?: number
  readonly learningRate?: number
  /** Steps between two yields to the caller (the page repaints then). */
  readonly yieldEvery?: number
  /** Called after every `yieldEvery` steps and at every epoch's end, with everything recorded so far. */
  readonly onProgress?: (history: History) => void | Promise<void>
}

export interface TrainResult {
  readonly history: History
  /** Held-out accuracy after the last epoch, in [0, 1]. */
  readonly accuracy: number
  /** The predicted digit of each held-out digit, after the last epoch. */
  readonly predicted: Int32Array
  readonly seconds: number
}

type Dense = { readonly w: Tensor; readonly b: Tensor }
type Params = { readonly hidden: Dense; readonly out: Dense }
type Digits = { readonly x: Tensor; readonly y: Tensor }

/** Bytes to tensors: pixels scaled back to [0, 1], labels as float rows (what `batches` slices). */
function toTensors(d: DigitBytes): Digits {
  const x = new Float32Array(d.count * IMAGE_SIZE)
  for (let i = 0; i < x.length; i++) x[i] = d.images[i]! / 255
  return { x: tensor(x, [d.count, IMAGE_SIZE]), y: tensor(Float32Array.from(d.labels), [d.count]) }
}

const logits = (p: Params, x: Tensor): Tensor =>
  add(matmul(relu(add(matmul(x, p.hidden.w), p.hidden.b)), p.out.w), p.out.b)

const labelsOf = (y: Tensor): Int32Array => Int32Array.from(y.data)

/** Mean softmax cross-entropy over the batch: (1/B) Σᵢ (log Σₖ exp zᵢₖ − zᵢ,yᵢ). */
const loss = (p: Params, batch: Digits): Tensor =>
  ops.mean(softmaxCrossEntropyWithIntegerLabels(logits(p, batch.x), labelsOf(batch.y)))

/** The predicted digit of each row: the index of its largest logit. */
export function predictions(z: ArrayLike<number>, rows: number): Int32Array {
  const out = new Int32Array(rows)
  for (let i = 0; i < rows; i++) {
    let best = 0
    for (let k = 1; k < NUM_CLASSES; k++) if (z[i * NUM_CLASSES + k]! > z[i * NUM_CLASSES + best]!) best = k
    out[i] = best
  }
  return out
}

/** Trains the MLP on `train` and measures it on `test` after every epoch. */
export async function trainMnist(
  train: DigitBytes,
  test: DigitBytes,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const epochs = options.epochs ?? 2
  const batchSize = options.batchSize ?? 100
  const yieldEvery = options.yieldEvery ?? 5
  const started = performance.now()

  const trainSet = toTensors(train)
  const testSet = toTensors(test)
  const testLabels = labelsOf(testSet.y)

  const [initKey, shuffleKey] = splitKey(prngKey(0)) as [PRNGKey, PRNGKey]
  const [k1, k2] = splitKey(initKey) as [PRNGKey, PRNGKey]
  const params: Params = {
    hidden: { w: heNormal(k1, [IMAGE_SIZE, HIDDEN]), b: zeros([HIDDEN]) },
    out: { w: glorotUniform(k2, [HIDDEN, NUM_CLASSES]), b: zeros([NUM_CLASSES]) },
  }
  const optimizer = adam(options.learningRate ?? 3e-3)
  const step = trainStep(loss, optimizer)
  let state = initTrainState(params, optimizer)

  const steps: StepRecord[] = []
  const epochRecords: EpochRecord[] = []
  const history = (): History => ({ steps: [...steps], epochs: [...epochRecords] })
  const epochKeys = splitKey(shuffleKey, epochs)
  let testAccuracy = 0
  let predicted: Int32Array = new Int32Array(0)

  for (let epoch = 0; epoch < epochs; epoch++) {
    let lossSum = 0
    let count = 0
    for (const batch of batches(trainSet, { batchSize, key: epochKeys[epoch]! })) {
      const [next, info] = step(state, batch)
      if (info.diagnoses.some((d) => d.severity === 'error')) {
        throw new Error(`training stopped at step ${state.step}: ${info.diagnoses.map((d) => d.message).join('; ')}`)
      }
      const { loss: l, gradNorm, updateNorm, paramNorm } = info
      steps.push({ step: state.step, epoch, loss: l, gradNorm, updateNorm, paramNorm })
      state = next
      lossSum += l
      count++
      if (steps.length % yieldEvery === 0) await options.onProgress?.(history())
    }
    const z = logits(state.params, testSet.x)
    predicted = predictions(z.dataSync(), test.count)
    testAccuracy = predicted.filter((p, i) => p === testLabels[i]).length / test.count
    const testLoss = ops.mean(softmaxCrossEntropyWithIntegerLabels(z, testLabels)).item()
    epochRecords.push({
      epoch,
      step: state.step,
      trainLoss: lossSum / count,
      eval: { 'test loss': testLoss, 'test accuracy': testAccuracy },
    })
    await options.onProgress?.(history())
  }
  return { history: history(), accuracy: testAccuracy, predicted, seconds: (performance.now() - started) / 1000 }
}
