import { describe, expect, it } from 'vitest'
import {
  type Diagnosis,
  type GradientTransformation,
  type Tensor,
  adagrad,
  adam,
  adamw,
  applyUpdates,
  batches,
  chain,
  diagnosesOf,
  healthCheck,
  lion,
  rmsprop,
  signSgd,
  fit,
  glorotUniform,
  ops,
  prngKey,
  randomNormal,
  sgd,
  sharpness,
  splitKey,
  tensor,
} from '../../src/index'
import { initMonitor, monitorStep } from '../../src/train/monitor'
import { parabola, rosenbrock } from '../_helpers/problems'

const quiet = { onDiagnosis: () => {} }
const codes = (ds: readonly Diagnosis[]) => ds.map((d) => d.code)
type W = { w: Tensor }
const quadratic = (p: W, _b: null) => ops.sum(ops.square(p.w)) // f(w) = Σw², Hessian 2I: GD is stable for η < 1

describe('fit names the failure modes of a run', () => {
  it('sgd(1.5) on Σw²: lossDiverging and lrTooHigh naming the largest stable learning rate (2/λ_max = 1)', () => {
    const r = fit({
      ...quiet,
      loss: quadratic,
      optimizer: sgd(1.5),
      params: { w: tensor([1, -2, 0.5]) },
      data: [null],
      epochs: 100,
    })
    expect(r.stopped).toBe('diagnosis')
    expect(codes(r.diagnoses)).toEqual(['lossDiverging', 'lrTooHigh'])
    const advice = r.diagnoses[1]!
    expect(advice.message).toMatch(/2\/λ_max = 1\.00/) // λ_max = 2 exactly for Σw²
    expect(advice.fix).toMatch(/below 1\.0/)
    expect(Number.isFinite(r.state.params.w.dataSync()[0]!)).toBe(true)
  })

  it('sgd(0.9) on Σw² (below 2/λ_max) converges without a word', () => {
    const r = fit({
      ...quiet,
      loss: quadratic,
      optimizer: sgd(0.9),
      params: { w: tensor([1, -2, 0.5]) },
      data: [null],
      epochs: 300,
    })
    expect(r.diagnoses).toEqual([])
  })

  it('adam(10) thrown off a bump-shaped loss into its flat tail: the run ends worse than it started (noProgress)', () => {
    // f(w) = 1 − exp(−(w − 1)²): the first Adam step moves w by ≈ lr = 10, where f ≈ 1 and its gradient ≈ 0.
    const loss = (p: W, _b: null) => ops.sum(ops.sub(1, ops.exp(ops.neg(ops.square(ops.sub(p.w, 1))))))
    const r = fit({ ...quiet, loss, optimizer: adam(10), params: { w: tensor([0.5]) }, data: [null], epochs: 200 })
    expect(r.diagnoses).toMatchObject([{ code: 'noProgress', severity: 'warning' }])
    expect(r.history.steps.at(-1)!.loss).toBeGreaterThan(r.history.steps[0]!.loss)
  })

  it('a loss that barely depends on the params: noProgress after 200 steps', () => {
    const loss = (p: W, _b: null) => ops.add(1, ops.mul(1e-9, ops.sum(ops.square(p.w))))
    const r = fit({ ...quiet, loss, optimizer: sgd(0.1), params: { w: tensor([1]) }, data: [null], epochs: 250 })
    expect(r.diagnoses).toMatchObject([{ code: 'noProgress', severity: 'warning', step: 199 }])
    expect(r.diagnoses[0]!.fix).toMatch(/learning rate/)
  })

  it('unscaled features (1e3 / 1 / 1e-3): illConditioned naming batch.x and "standardise"', () => {
    const [k1, k2] = splitKey(prngKey(1), 2) as [readonly [number, number], readonly [number, number]]
    const raw = randomNormal(k1, [64, 3], { dtype: 'float64' })
    const x = ops.mul(raw, tensor([1e3, 1, 1e-3], 'float64'))
    const y = ops.matmul(raw, tensor([[1], [2], [3]], 'float64'))
    const loss = (p: { w: Tensor }, b: { x: Tensor; y: Tensor }) =>
      ops.mean(ops.square(ops.sub(ops.matmul(b.x, p.w), b.y)))
    const r = fit({
      ...quiet,
      loss,
      optimizer: sgd(1e-7),
      params: { w: randomNormal(k2, [3, 1], { dtype: 'float64' }) },
      data: [{ x, y }],
      epochs: 3,
    })
    expect(r.diagnoses[0]).toMatchObject({ code: 'illConditioned', path: 'batch.x', step: 0 })
    expect(r.diagnoses[0]!.fix).toMatch(/standardise/)
  })

  it('an 8-layer sigmoid MLP: vanishingGradient at the first layer; the same net with relu is quiet', () => {
    const key = prngKey(7)
    const keys = splitKey(key, 10)
    const data = { x: randomNormal(keys[8]!, [64, 16]), y: randomNormal(keys[9]!, [64, 1]) }
    const sizes = [16, 16, 16, 16, 16, 16, 16, 16, 1]
    const params = {
      layers: sizes
        .slice(1)
        .map((n, i) => ({ w: glorotUniform(keys[i]!, [sizes[i]!, n]), b: tensor(new Float32Array(n), [n]) })),
    }
    type P = typeof params
    const mlp = (act: (x: Tensor) => Tensor) => (p: P, d: typeof data) => {
      let h = d.x
      p.layers.forEach((l, i) => {
        const z = ops.add(ops.matmul(h, l.w), l.b)
        h = i === p.layers.length - 1 ? z : act(z)
      })
      return ops.mean(ops.square(ops.sub(h, d.y)))
    }
    const run = (act: (x: Tensor) => Tensor) =>
      fit({ ...quiet, loss: mlp(act), optimizer: sgd(0.05), params, data: [data], epochs: 30 })
    const sig = run(ops.sigmoid)
    expect(sig.diagnoses.find((d) => d.code === 'vanishingGradient')).toMatchObject({
      severity: 'warning',
      path: 'grads.layers[0].w',
    })
    expect(codes(run(ops.relu).diagnoses)).not.toContain('vanishingGradient')
  })

  it('a param the loss ignores: disconnectedParam naming its path', () => {
    const loss = (p: { w: Tensor; unused: Tensor }, _b: null) => ops.sum(ops.square(p.w))
    const r = fit({
      ...quiet,
      loss,
      optimizer: sgd(0.1),
      params: { w: tensor([1]), unused: tensor([2, 3]) },
      data: [null],
      epochs: 2,
    })
    expect(r.diagnoses[0]).toMatchObject({
      code: 'disconnectedParam',
      severity: 'warning',
      step: 0,
      path: 'params.unused',
    })
    expect(r.diagnoses.filter((d) => d.code === 'disconnectedParam').length).toBe(2) // one per step, reported once
  })

  it('predictions [8,1] − targets [8] broadcast to [8,8]: suspiciousBroadcast', () => {
    const x = tensor(Array.from({ length: 8 }, (_, i) => [i / 8]))
    const y = tensor(Array.from({ length: 8 }, (_, i) => (2 * i) / 8))
    const loss = (p: { w: Tensor }, b: { x: Tensor; y: Tensor }) =>
      ops.mean(ops.square(ops.sub(ops.matmul(b.x, p.w), b.y)))
    const seen: Diagnosis[] = []
    fit({
      loss,
      optimizer: sgd(0.1),
      params: { w: tensor([[0]]) },
      data: [{ x, y }],
      epochs: 1,
      onDiagnosis: (d) => seen.push(d),
    })
    expect(seen.map((d) => d.code)).toContain('suspiciousBroadcast')
  })

  it('adam with eps = 0: the suspiciousHyperparameter warning reaches fit at step 0', () => {
    const r = fit({
      ...quiet,
      loss: quadratic,
      optimizer: adam(0.1, { eps: 0 }),
      params: { w: tensor([1]) },
      data: [null],
      epochs: 2,
    })
    expect(r.diagnoses[0]).toMatchObject({ code: 'suspiciousHyperparameter', severity: 'warning', step: 0 })
  })

  it('each code is reported once, through onDiagnosis, and kept in order in the result', () => {
    const seen: string[] = []
    const r = fit({
      loss: quadratic,
      optimizer: sgd(1.5),
      params: { w: tensor([1]) },
      data: [null],
      epochs: 50,
      stopOnError: false,
      onDiagnosis: (d) => seen.push(d.code),
    })
    expect(seen).toEqual(['lossDiverging', 'lrTooHigh'])
    expect(codes(r.diagnoses).slice(0, 2)).toEqual(seen)
  })
})

describe('no false alarms on healthy runs', () => {
  const xs = Array.from({ length: 32 }, (_, i) => i / 16 - 1)
  const data = { x: tensor(xs), y: tensor(xs.map((x) => 2 * x + 1)) }
  const loss = (p: { w: Tensor; b: Tensor }, d: typeof data) =>
    ops.mean(ops.square(ops.sub(ops.add(ops.mul(p.w, d.x), p.b), d.y)))
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<readonly [string, () => GradientTransformation<any>]>([
    ['sgd(0.1)', () => sgd(0.1)],
    ['sgd momentum', () => sgd(0.05, { momentum: 0.9 })],
    ['adam(0.01)', () => adam(0.01)],
    ['adamw(0.01)', () => adamw(0.01)],
  ])('%s on minibatched linear regression, 400 steps', (_, make) => {
    const r = fit({
      ...quiet,
      loss,
      optimizer: make(),
      params: { w: tensor(0), b: tensor(0) },
      data: (_e, key) => batches(data, { batchSize: 8, key }),
      steps: 400,
    })
    expect(r.diagnoses).toEqual([])
  })
})

describe('the run monitor’s rules', () => {
  const feed = (losses: readonly number[]) => {
    let s = initMonitor()
    const out: Diagnosis[] = []
    losses.forEach((l, i) => {
      const [n, found] = monitorStep(s, l, i)
      s = n
      out.push(...found)
    })
    return out
  }
  it('oscillation: a loss bouncing 1, 3, 1, 3, … with no new best', () => {
    expect(codes(feed(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 1 : 3))))).toEqual(['oscillation'])
  })
  it('no oscillation for a noisy but decreasing loss, nor for small alternating noise at a plateau', () => {
    expect(feed(Array.from({ length: 300 }, (_, i) => 10 / (1 + i) + (i % 2 === 0 ? 0.01 : 0)))).toEqual([])
    expect(
      codes(feed(Array.from({ length: 150 }, (_, i) => (i < 50 ? 10 - i / 10 : 5 + (i % 2 === 0 ? 0.1 : -0.1))))),
    ).toEqual([])
  })
  it('lossDiverging at 4× the best smoothed loss, for negative losses too', () => {
    const doubling = (from: number) => Array.from({ length: 14 }, (_, i) => from * 2 ** i)
    expect(codes(feed([1, 1, 1, ...doubling(2)]))).toEqual(['lossDiverging'])
    expect(feed(Array.from({ length: 30 }, (_, i) => -1 - i / 10))).toEqual([])
    expect(codes(feed([-1, -1, -1, ...doubling(1)]))).toEqual(['lossDiverging'])
    // Growing in a zigzag (up 6×, down 2×: rising only every other step): reported once it is 1000× its start.
    const zigzag = Array.from({ length: 30 }, (_, i) => 3 ** Math.floor(i / 2) * (i % 2 === 0 ? 1 : 0.5))
    expect(feed(zigzag)).toMatchObject([{ code: 'lossDiverging' }])
    // A spike that comes down again (adagrad(1) on Rosenbrock: 1 → 95 → 101 → 9 → 1.8 → …) is not a divergence.
    expect(feed([1, 95, 101, 9.1, 1.76, 1.1, 1.03, ...Array.from({ length: 20 }, (_, i) => 1 - i / 100)])).toEqual([])
  })
})

describe('sharpness', () => {
  it('finds λ_max of a quadratic with known spectrum (closed form) and 2/λ_max', () => {
    // f(w) = ½ wᵀ diag(5, 2, 0.5) w: λ_max = 5.
    const d = tensor([5, 2, 0.5], 'float64')
    const f = (p: W, _b: null) => ops.mul(0.5, ops.sum(ops.mul(d, ops.square(p.w))))
    const r = sharpness(f, { w: tensor([0.3, -1, 2], 'float64') }, null, { iterations: 100 })
    expect(r.lambda).toBeCloseTo(5, 8)
    expect(r.maxStableLr).toBeCloseTo(0.4, 8)
  })
  it('rejects a bad iteration count', () => {
    expect(() => sharpness(quadratic, { w: tensor([1]) }, null, { iterations: 0 })).toThrow(
      'sharpness options.iterations',
    )
  })
})

describe('no false alarms on optax’s alias_test protocol (parabola and Rosenbrock), through healthCheck', () => {
  const protocol: readonly (readonly [string, () => GradientTransformation<unknown>, boolean])[] = [
    ['sgd(1e-3, { momentum: 0.9 })', () => sgd(1e-3, { momentum: 0.9 }) as never, true],
    ['adam(1e-1)', () => adam(1e-1) as never, true],
    ['adamw(1e-1)', () => adamw(1e-1) as never, true],
    ['adagrad(1.0)', () => adagrad(1.0) as never, true],
    ['rmsprop(5e-3)', () => rmsprop(5e-3) as never, true],
    ['lion(1e-2)', () => lion(1e-2, { weightDecay: 1e-4 }) as never, true],
    ['signSgd(1e-1) (parabola only, as optax)', () => signSgd(1e-1) as never, false],
  ]
  it.each(protocol)('%s', (_, make, rosen) => {
    for (const problem of rosen ? [parabola('float32'), rosenbrock('float32')] : [parabola('float32')]) {
      const opt = chain(healthCheck(), make())
      let params = problem.initialParams
      let state = opt.init(params)
      for (let i = 0; i < 3000; i++) {
        const [u, next] = opt.update(problem.grad(params), state, params, { value: problem.loss(params) })
        params = applyUpdates(params, u)
        state = next
      }
      expect([problem.name, diagnosesOf(state[0])]).toEqual([problem.name, []])
    }
  })
})
