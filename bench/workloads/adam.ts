// (a) one Adam/AdamW step over n float32 params: descent's plain API (update + applyUpdates), the train layer
// (applyGradients, pure and donated) and the bare fused kernel, against TF.js (cpu, wasm), jax-js (jit) and a
// plain-JS fused in-place loop. Usage: tsx bench/workloads/adam.ts <n> [--quick] [--list | --impl <k>]
import { adamw, applyGradients, applyUpdates, initTrainState, tensor } from '../../src/index'
import { adamwInArena, newAdamwArena } from '../../src/kernels/fused/adamwArena'
import { adamwFused } from '../../src/kernels/fused/adamwFused'
import { type Impl, loadJax, loadTf, quick, randomF32, runWorkload } from '../lib'

const n = Number(process.argv[2] ?? 1e6)
const workload = `adam-${n.toExponential(0).replace('+', '')}`
const [lr, b1, b2, eps, wd] = [1e-3, 0.9, 0.999, 1e-8, 1e-4]
const reps = quick ? 3 : n >= 1e7 ? 11 : 31
const warm = quick ? 1 : 3
// And at least a second of steps below 1e7 (lib.ts warmUp), as for the MLP rows: every implementation is timed warm.
const warmMs = n < 1e7 ? 1000 : 0
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
const opt = () => adamw(lr, { weightDecay: wd, b1, b2, eps })
const impls: Impl[] = []

// descent's plain API: update + applyUpdates, every step new params/state (pure). scaleByAdam runs the fused kernel
// per leaf (fresh m′, v′, u), then addDecayedWeights, scaleByLearningRate and applyUpdates pass over u again.
impls.push({
  impl: 'descent adamw: update + applyUpdates (pure)',
  kind: 'descent',
  make: () => {
    const tx = opt()
    let params = { w: tensor(p0.slice(), [n]) }
    const grads = { w: tensor(g0, [n]) }
    let state = tx.init(params)
    return () => {
      const [u, s] = tx.update(grads, state, params)
      params = applyUpdates(params, u)
      state = s
    }
  },
})

// The train layer: applyGradients runs the adamw chain as one fused kernel pass per leaf (m′, v′, u, θ + u).
// Pure: fresh m′, v′, θ′ per step (u goes to a buffer the stepper owns).
impls.push({
  impl: 'descent applyGradients(adamw) (pure)',
  kind: 'descent',
  make: () => {
    const tx = opt()
    const step = applyGradients(tx)
    const grads = { w: tensor(g0, [n]) }
    let state = initTrainState({ w: tensor(p0.slice(), [n]) }, tx)
    return () => {
      state = step(state, grads)
    }
  },
})

// The same with donation (JAX's donate_argnums): from the first step on, θ, m, v live in wasm memory the step function
// owns and the kernel updates them there (only the gradient is copied in; src/train/stateArena.ts).
impls.push({
  impl: 'descent applyGradients(adamw, { donate: true })',
  kind: 'descent',
  make: () => {
    const tx = opt()
    const step = applyGradients(tx, { donate: true })
    const grads = { w: tensor(g0, [n]) }
    let state = initTrainState({ w: tensor(p0.slice(), [n]) }, tx)
    return () => {
      state = step(state, grads)
    }
  },
})

// descent's fused kernel alone, no tree layer: fresh m′, v′, u, p′ per call (the SIMD kernel from 2048 elements).
impls.push({
  impl: 'descent fused kernel (fresh outputs, p′ included)',
  kind: 'descent',
  make: () => {
    let [p, m, v]: Float32Array[] = [p0.slice(), new Float32Array(n), new Float32Array(n)]
    let t = 0
    return () => {
      const r = adamwFused(p!, g0, m!, v!, scalars(++t), { applyParams: true })
      ;[p, m, v] = [r.p!, r.m, r.v]
    }
  },
})

// The bare kernel with donated buffers: m, v, p updated in place, u in one reused scratch buffer (the floor of the
// donated applyGradients row).
impls.push({
  impl: 'descent fused kernel, in place (bare)',
  kind: 'descent',
  make: () => {
    const [p, m, v, u] = [p0.slice(), new Float32Array(n), new Float32Array(n), new Float32Array(n)]
    let t = 0
    return () => {
      adamwFused(p, g0, m, v, scalars(++t), { applyParams: true, out: { m, v, u, p } })
    }
  },
})

// The bare kernel on state that lives in wasm memory (what the donated applyGradients step runs since issue 13):
// p, m, v updated in place in the arena, only the gradient copied in, u into the arena (the floor of that row).
impls.push({
  impl: 'descent fused kernel, state in wasm memory (bare)',
  kind: 'descent',
  make: () => {
    const a = newAdamwArena([n])
    if (a === null) throw new Error('no WebAssembly SIMD here')
    a.leaves[0]!.p.set(p0)
    let t = 0
    return () => adamwInArena(a, 0, g0, scalars(++t))
  },
})

// The limit line: a plain-JS fused in-place loop, bias corrections hoisted (1 division + 1 sqrt per element).
impls.push({
  impl: 'plain JS fused in-place loop (limit)',
  kind: 'limit',
  make: () => {
    const [p, m, v] = [p0.slice(), new Float32Array(n), new Float32Array(n)]
    let t = 0
    return () => {
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
    }
  },
})

// TF.js: tf.train.adam().applyGradients on a variable (Adam: TF.js has no AdamW; eps set to 1e-8; its β^t is a
// running float32 product).
const tfAdam = async (backend: 'cpu' | 'wasm') => {
  const tf = await loadTf(backend)
  const w = tf.variable(tf.tensor1d(p0.slice()))
  const g = tf.tensor1d(g0)
  const o = tf.train.adam(lr, b1, b2, eps)
  // (TF.js types the map as variables; applyGradients takes the gradients keyed by variable name)
  const grads = { [w.name]: g } as unknown as Parameters<typeof o.applyGradients>[0]
  return () => o.applyGradients(grads)
}
impls.push({ impl: 'TF.js wasm applyGradients (adam)', kind: 'peer', make: () => tfAdam('wasm') })

// jax-js: the same AdamW formula under jit, bias corrections computed on the host and passed as scalars.
impls.push({
  impl: 'jax-js jit (wasm)',
  kind: 'peer',
  make: async () => {
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
    return async () => {
      t++
      const out = step(p, g.ref, m, v, np.array(1 / (1 - b1 ** t)), np.array(1 / (1 - b2 ** t))) as any[]
      ;[p, m, v] = out
      await p.blockUntilReady()
    }
  },
})

// TF.js cpu on its own, after the others; 20–100× slower, so few repetitions (skipped at 1e7 in --quick).
if (!(quick && n >= 1e7)) {
  const slow = n >= 1e7
  impls.push({
    impl: 'TF.js cpu applyGradients (adam)',
    kind: 'peer',
    alone: true,
    make: () => tfAdam('cpu'),
    warmup: slow ? 1 : warm,
    reps: slow ? 3 : Math.min(reps, 11),
  })
}

await runWorkload(workload, impls, warm, reps, { warmupMs: warmMs })
