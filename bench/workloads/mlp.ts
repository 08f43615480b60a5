// (b)/(c) one training step of an MLP with softmax cross-entropy: descent's train layer (trainStep with adamw, pure
// and donated) and its plain API (valueAndGrad + update + applyUpdates) vs TF.js (variableGrads + applyGradients,
// cpu and wasm) vs jax-js (jit of the whole step).
// Usage: tsx bench/workloads/mlp.ts <in,hidden,out> <batch> [--quick] [--list | --impl <k>]
import { adamw, applyUpdates, initTrainState, trainStep, valueAndGrad } from '../../src/index'
import { type Impl, loadJax, loadTf, quick, runWorkload } from '../lib'
import { type MlpParams, mlpProblem } from '../mlpProblem'

const [din, dh, dout] = (process.argv[2] ?? '784,256,10').split(',').map(Number) as [number, number, number]
const batch = Number(process.argv[3] ?? 128)
const workload = `mlp-${din}-${dh}-${dout}-b${batch}`
const lr = 1e-3
const small = din * dh < 1e4
// 61 timed rounds of the 784 model (≈ 5 s in process): with 21 its medians moved by up to 10 % between runs.
const reps = quick ? (small ? 10 : 3) : small ? 101 : 61
const warm = quick ? 2 : small ? 20 : 5
// Warm-up by time as well (lib.ts warmUp): descent's small-model step is mostly JavaScript and reaches its steady
// state only after ~500 steps (the curve: `npx tsx bench/warm-up.ts 64,64,10 32 5000`), the 784 one after ~300–500.
const warmMs = small ? 2000 : 3000
const impls: Impl[] = []

// descent's params, batch and loss (bench/mlpProblem.ts); the peers build theirs from the same arrays. The dense
// layers as a user writes them: linear (x·w + b in one op) and relu (one primitive). TF.js runs both its forms: the
// ops (tf.add(tf.matMul) + tf.relu) and tf.fused.matMul with bias and relu (what tf.layers.dense calls); jax-js's jit
// compiles the whole step.
const { arrays, params: params0, data, loss } = mlpProblem(din, dh, dout, batch)
const { w1, w2, xs, onehot } = arrays
type P = MlpParams

// The train layer: trainStep = valueAndGrad, the fused adamw step (applyGradients) and the step's StepInfo (loss,
// gradient/update/param norms, non-finite checks). Pure: new params and state every step.
const viaTrainStep =
  (donate: boolean, diagnostics = true) =>
  () => {
    const tx = adamw(lr)
    const step = trainStep(loss, tx, { donate, diagnostics })
    let state = initTrainState(params0(), tx)
    return () => {
      state = step(state, data)[0]
    }
  }
impls.push({ impl: 'descent trainStep(adamw) (pure)', kind: 'descent', make: viaTrainStep(false) })
// The same with donation: params and moments written into the donated state's buffers.
impls.push({ impl: 'descent trainStep(adamw, { donate: true })', kind: 'descent', make: viaTrainStep(true) })
// What the step's checks cost (issue 9: ≤ 10 % of a trainStep): the same donated step with diagnostics off.
impls.push({
  impl: 'descent trainStep(adamw, { donate: true, diagnostics: false })',
  kind: 'descent',
  make: viaTrainStep(true, false),
})

// descent's plain API, as a user writes the loop by hand: valueAndGrad + update + applyUpdates (pure).
impls.push({
  impl: 'descent valueAndGrad + update + applyUpdates (plain API)',
  kind: 'descent',
  make: () => {
    const vg = valueAndGrad((p: P) => loss(p, data))
    const tx = adamw(lr)
    let params = params0()
    let state = tx.init(params)
    return () => {
      const [, g] = vg(params)
      const [u, s] = tx.update(g as P, state, params)
      params = applyUpdates(params, u)
      state = s
    }
  },
})

async function tfStep(backend: 'cpu' | 'wasm', fused = false): Promise<() => void> {
  const tf = await loadTf(backend)
  const vars = [
    tf.variable(tf.tensor2d(w1.slice(), [din, dh])),
    tf.variable(tf.zeros([dh])),
    tf.variable(tf.tensor2d(w2.slice(), [dh, dout])),
    tf.variable(tf.zeros([dout])),
  ] as const
  const x = tf.tensor2d(xs, [batch, din])
  const y = tf.tensor2d(onehot, [batch, dout])
  const opt = tf.train.adam(lr)
  return () => {
    tf.tidy(() => {
      const { grads, value } = tf.variableGrads(() => {
        const h = fused
          ? tf.fused.matMul({ a: x, b: vars[0], bias: vars[1], activation: 'relu' })
          : tf.relu(tf.add(tf.matMul(x, vars[0]), vars[1]))
        const logits = fused
          ? tf.fused.matMul({ a: h, b: vars[2], bias: vars[3] })
          : tf.add(tf.matMul(h, vars[2]), vars[3])
        return tf.losses.softmaxCrossEntropy(y, logits) as import('@tensorflow/tfjs').Scalar
      })
      opt.applyGradients(grads as unknown as Parameters<typeof opt.applyGradients>[0])
      value.dataSync()
    })
  }
}
impls.push({ impl: 'TF.js wasm variableGrads + applyGradients', kind: 'peer', make: () => tfStep('wasm') })
impls.push({
  impl: 'TF.js wasm variableGrads + applyGradients, tf.fused.matMul',
  kind: 'peer',
  make: () => tfStep('wasm', true),
})

impls.push({
  impl: 'jax-js jit(valueAndGrad + adamw) (wasm)',
  kind: 'peer',
  make: async () => {
    const jax = await loadJax()
    const np = jax.numpy
    const nn = jax.nn
    const [b1_, b2_, eps] = [0.9, 0.999, 1e-8]
    const x = np.array(xs).reshape([batch, din])
    const y = np.array(onehot).reshape([batch, dout])
    const lossFn = (p: any, xb: any, yb: any) => {
      const h = nn.relu(np.matmul(xb, p.w1.ref).add(p.b1.ref))
      const logits = np.matmul(h, p.w2.ref).add(p.b2.ref)
      return nn.logSoftmax(logits, -1).mul(yb).sum(1).mean().mul(-1)
    }
    const step = jax.jit((p: any, m: any, v: any, xb: any, yb: any, ibc1: any, ibc2: any) => {
      const [lossV, g] = jax.valueAndGrad(lossFn)(p, xb, yb) as [any, any]
      const keys = ['w1', 'b1', 'w2', 'b2'] as const
      const P: any = {},
        M: any = {},
        V: any = {}
      for (const k of keys) {
        const gk = g[k]
        M[k] = m[k].mul(b1_).add(gk.ref.mul(1 - b1_))
        V[k] = v[k].mul(b2_).add(gk.ref.mul(gk).mul(1 - b2_))
        const u = M[k].ref
          .mul(ibc1.ref)
          .div(np.sqrt(V[k].ref.mul(ibc2.ref)).add(eps))
          .add(p[k].ref.mul(1e-4))
          .mul(-lr)
        P[k] = p[k].add(u)
      }
      ibc1.dispose()
      ibc2.dispose()
      return [P, M, V, lossV]
    })
    let p: any = {
      w1: np.array(w1).reshape([din, dh]),
      b1: np.zeros([dh]),
      w2: np.array(w2).reshape([dh, dout]),
      b2: np.zeros([dout]),
    }
    let m: any = { w1: np.zeros([din, dh]), b1: np.zeros([dh]), w2: np.zeros([dh, dout]), b2: np.zeros([dout]) }
    let v: any = { w1: np.zeros([din, dh]), b1: np.zeros([dh]), w2: np.zeros([dh, dout]), b2: np.zeros([dout]) }
    let t = 0
    return async () => {
      t++
      const out = step(p, m, v, x.ref, y.ref, np.array(1 / (1 - b1_ ** t)), np.array(1 / (1 - b2_ ** t))) as any[]
      ;[p, m, v] = out
      await out[3].blockUntilReady()
      out[3].dispose()
    }
  },
})

// TF.js cpu on its own, after the others (switching TF.js backends per step would move the variables).
if (!(quick && !small)) {
  impls.push({
    impl: 'TF.js cpu variableGrads + applyGradients',
    kind: 'peer',
    alone: true,
    make: () => tfStep('cpu'),
    reps: small ? reps : Math.min(reps, 5),
  })
}

await runWorkload(workload, impls, warm, reps, { warmupMs: warmMs })
