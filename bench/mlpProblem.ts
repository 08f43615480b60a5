// The bench's MLP problem, one definition for every script that times it (bench/workloads/mlp.ts, the A/Bs, the
// profiles): the same seeds, so that each trains the same model on the same batch. He-scaled weights, zero biases,
// random inputs and one-hot labels (i · 7 mod dout), a ReLU hidden layer and a logSoftmax cross-entropy head.
import * as descent from '../src/index'
import type { Tensor } from '../src/index'
import { randomF32 } from './lib'

export type MlpParams = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }
export type MlpBatch = { x: Tensor; y: Tensor }

/** The raw arrays, for peers that build their own tensors from them. */
export function mlpArrays(din: number, dh: number, dout: number, batch: number) {
  const onehot = new Float32Array(batch * dout)
  for (let i = 0; i < batch; i++) onehot[i * dout + ((i * 7) % dout)] = 1
  return {
    w1: randomF32(din * dh, 1, Math.sqrt(2 / din)),
    w2: randomF32(dh * dout, 2, Math.sqrt(2 / dh)),
    xs: randomF32(batch * din, 3),
    onehot,
  }
}

/** The library the problem is built with: this tree's, or another checkout's (bench/ab-tree-mlp.ts). */
export type MlpLibrary = Pick<typeof descent, 'ops' | 'tensor'>

/**
 * descent's side: fresh params on each call (copies of the same arrays), the batch and the loss (linear + relu),
 * built with `library` (default: this tree's).
 */
export function mlpProblem(din: number, dh: number, dout: number, batch: number, library: MlpLibrary = descent) {
  const { ops, tensor } = library
  const arrays = mlpArrays(din, dh, dout, batch)
  const params = (): MlpParams => ({
    w1: tensor(arrays.w1.slice(), [din, dh]),
    b1: tensor(new Float32Array(dh), [dh]),
    w2: tensor(arrays.w2.slice(), [dh, dout]),
    b2: tensor(new Float32Array(dout), [dout]),
  })
  const data: MlpBatch = { x: tensor(arrays.xs, [batch, din]), y: tensor(arrays.onehot, [batch, dout]) }
  const loss = (p: MlpParams, b: MlpBatch): Tensor => {
    const h = ops.relu(ops.linear(b.x, p.w1, p.b1))
    return ops.neg(ops.mean(ops.sum(ops.mul(ops.logSoftmax(ops.linear(h, p.w2, p.b2), -1), b.y), { axis: 1 })))
  }
  return { arrays, params, data, loss }
}
