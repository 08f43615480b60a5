// (a) one Adam/AdamW step over n float32 params: descent's public API against TF.js (cpu, wasm), jax-js (jit)
// and a plain-JS fused in-place loop. Usage: tsx bench/workloads/adam.ts <n> [--quick]
import { adamw, applyUpdates, tensor } from '../../src/index'
import { adamwFused } from '../../src/kernels/fused/adamwFused'
import { type Impl, type Row, emit, interleaved, loadJax, loadTf, quick, randomF32, time } from '../lib'

const n = Number(process.argv[2] ?? 1e6)
const workload = `adam-${n.toExponential(0).replace('+', '')}`
const [lr, b1, b2, eps, wd] = [1e-3, 0.9, 0.999, 1e-8, 1e-4]
const reps = quick ? 3 : n >= 1e7 ? 11 : 31
const warm = quick ? 1 : 3
const g0 = randomF32(n, 1, 0.1)
const p0 = randomF32(n, 2)
const scalars = (t: number) => ({
  b1,
  b2,
  bc1: 1 - b1 ** t,
  bc2: 1 - b2 ** t,
  bc1Next: 1 - b1 ** (t + 1),
  eps,
  epsRoot: 0,
  wd,
  applyWd: true,
  s: -lr,
  nesterov: false,
})
const impls: Impl[] = []

// descent: adamw(...) + update + applyUpdates, every step a new params/state (pure API).
{
  const tx = adamw(lr, { weightDecay: wd, b1, b2, eps })
  let params = { w: tensor(p0.slice(), [n]) }
  const grads = { w: tensor(g0, [n]) }
  let state = tx.init(params)
  impls.push({
    impl: 'descent adamw: update + applyUpdates (public API)',
    kind: 'descent',
    step: () => {
      const [u, s] = tx.update(grads, state, params)
      params = applyUpdates(params, u)
      state = s
    },
  })
}

// The same with donation (JAX's donate_argnums): adamw({ donate: true }) writes the moments into the donated state's
// buffers and the updates into one optimizer-owned buffer; applyUpdates(..., { donate: true }) writes p + u into the
// donated params' storage. No fresh array per step.
{
  const tx = adamw(lr, { weightDecay: wd, b1, b2, eps, donate: true })
  let params = { w: tensor(p0.slice(), [n]) }
  const grads = { w: tensor(g0, [n]) }
  let state = tx.init(params)
  impls.push({
    impl: 'descent adamw({ donate: true }): update + applyUpdates({ donate: true })',
    kind: 'descent',
    step: () => {
      const [u, s] = tx.update(grads, state, params)
      params = applyUpdates(params, u, { donate: true })
      state = s
    },
  })
}

// descent's fused kernel alone (fresh m′, v′, u, p′ per call; the SIMD kernel from 2048 elements).
{
  let [p, m, v] = [p0.slice(), new Float32Array(n), new Float32Array(n)]
  let t = 0
  impls.push({
    impl: 'descent fused kernel (fresh outputs, p′ included)',
    kind: 'descent',
    step: () => {
      const r = adamwFused(p, g0, m, v, scalars(++t), { applyParams: true })
      ;[p, m, v] = [r.p!, r.m, r.v]
    },
  })
}

// The same kernel with donated buffers: m, v, p updated in place (no allocation), u in one reused scratch buffer.
{
  const [p, m, v, u] = [p0.slice(), new Float32Array(n), new Float32Array(n), new Float32Array(n)]
  let t = 0
  impls.push({
    impl: 'descent fused kernel, donated buffers (in place)',
    kind: 'descent',
    step: () => {
      adamwFused(p, g0, m, v, scalars(++t), { applyParams: true, out: { m, v, u, p } })
    },
  })
}

// The limit line: a plain-JS fused in-place loop, bias corrections hoisted (1 division + 1 sqrt per element).
{
  const [p, m, v] = [p0.slice(), new Float32Array(n), new Float32Array(n)]
  let t = 0
  impls.push({
    impl: 'plain JS fused in-place loop (limit)',
    kind: 'limit',
    step: () => {
      t++
      const ibc1 = 1 / (1 - b1 ** t)
      const ibc2 = 1 / (1 - b2 ** t)
      for (let i = 0; i < n; i++) {
        const gi = g0[i]!
        const mi = b1 * m[i]! + (1 - b1) * gi
        const vi = b2 * v[i]! + (1 - b2) * gi * gi
        m[i] = mi
        v[i] = vi
        p[i] = p[i]! - lr * ((mi * ibc1) / (Math.sqrt(vi * ibc2) + eps) + wd * p[i]!)
      }
    },
  })
}

// TF.js wasm: tf.train.adam().applyGradients on a variable (Adam: TF.js has no AdamW; eps set to 1e-8; its β^t is a
// running float32 product).
{
  const tf = await loadTf('wasm')
  const w = tf.variable(tf.tensor1d(p0.slice()))
  const g = tf.tensor1d(g0)
  const opt = tf.train.adam(lr, b1, b2, eps)
  impls.push({
    impl: 'TF.js wasm applyGradients (adam)',
    kind: 'peer',
    step: () => opt.applyGradients({ [w.name]: g }),
  })
}

// jax-js: the same AdamW formula under jit, bias corrections computed on the host and passed as scalars.
{
  const jax = await loadJax()
  const np = jax.numpy
  const step = jax.jit((p: any, g: any, m: any, v: any, ibc1: any, ibc2: any) => {
    const m2 = m.mul(b1).add(g.ref.mul(1 - b1))
    const v2 = v.mul(b2).add(g.ref.mul(g).mul(1 - b2))
    const den = np.sqrt(v2.ref.mul(ibc2)).add(eps)
    const u = m2.ref.mul(ibc1).div(den).add(p.ref.mul(wd)).mul(-lr)
    return [p.add(u), m2, v2]
  })
  let p = np.array(p0.slice())
  let m = np.zeros([n])
  let v = np.zeros([n])
  const g = np.array(g0)
  let t = 0
  impls.push({
    impl: 'jax-js jit (wasm)',
    kind: 'peer',
    step: async () => {
      t++
      const out = step(p, g.ref, m, v, np.array(1 / (1 - b1 ** t)), np.array(1 / (1 - b2 ** t))) as any[]
      ;[p, m, v] = out
      await p.blockUntilReady()
    },
  })
}

const rows: Row[] = await interleaved(workload, impls, warm, reps)

// TF.js cpu on its own (a backend switch per step would move the variable between backends); 20–100× slower.
if (!(quick && n >= 1e7)) {
  const tf = await loadTf('cpu')
  const w = tf.variable(tf.tensor1d(p0.slice()))
  const g = tf.tensor1d(g0)
  const opt = tf.train.adam(lr, b1, b2, eps)
  const slow = n >= 1e7
  const r = await time(() => opt.applyGradients({ [w.name]: g }), slow ? 1 : warm, slow ? 3 : Math.min(reps, 11))
  rows.push({
    workload,
    impl: 'TF.js cpu applyGradients (adam)',
    kind: 'peer',
    medianMs: r.median,
    minMs: r.min,
    reps: slow ? 3 : Math.min(reps, 11),
  })
}
emit(rows)
