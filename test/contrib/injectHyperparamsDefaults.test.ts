import { describe, expect, it } from 'vitest'
import { hyperparamDefaultsOf } from '../../src/core/hyperparamDefaults'
import {
  type GradientTransformation,
  type PyTree,
  type Tensor,
  adam,
  contrib,
  injectHyperparams,
  reduceOnPlateau,
  sgd,
  tensor,
  trace,
  tree,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'

// optax's inject_hyperparams binds the signature with apply_defaults(): every numeric argument of a contrib optimizer
// is in state.hyperparams, defaults included. Expected values: the numeric defaults of optax.contrib's signatures at
// 2edbcbe (contrib/_*.py), camelCased, less the sizes that fix a state's shape (galore's rank, mechanize's numBetas;
// optax users pass those in static_args) and sophia's print_win_rate_every_n_steps (descent prints nothing).
const OPTAX_CONTRIB_DEFAULTS: Record<string, Record<string, number>> = {
  scaleByAcprop: { b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16 },
  acprop: { b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16, weightDecay: 0 },
  scaleByAdemamix: { b1: 0.9, b2: 0.999, b3: 0.9999, alpha: 6, eps: 1e-8, epsRoot: 0 },
  ademamix: { b1: 0.9, b2: 0.999, b3: 0.9999, alpha: 5, eps: 1e-8, epsRoot: 0, weightDecay: 0 },
  scaleBySimplifiedAdemamix: { b1: 0.99, b2: 0.95, alpha: 0, eps: 1e-8, epsRoot: 0 },
  simplifiedAdemamix: { b1: 0.99, b2: 0.95, alpha: 0, eps: 1e-8, epsRoot: 0, weightDecay: 0 },
  scaleByAdopt: { b1: 0.9, b2: 0.9999, eps: 1e-6 },
  adopt: { b1: 0.9, b2: 0.9999, eps: 1e-6 },
  scaleByCocob: { alpha: 100, eps: 1e-8 },
  cocob: { alpha: 100, eps: 1e-8, weightDecay: 0 },
  dadaptAdamw: { eps: 1e-8, estimLr0: 1e-6, weightDecay: 0 },
  scaleByDadaptAdamw: { eps: 1e-8, estimLr0: 1e-6, weightDecay: 0 },
  scaleByDog: { eps: 1e-8 },
  dog: { eps: 1e-8 },
  scaleByDowg: { eps: 1e-4 },
  dowg: { eps: 1e-4 },
  scaleByGalore: { updateProjGap: 200, scale: 1 },
  galore: { updateProjGap: 200, scale: 1, weightDecay: 0 },
  scaleByMadgrad: { momentum: 0.9, eps: 1e-6 },
  madgrad: { momentum: 0.9, weightDecay: 0, eps: 1e-6 },
  mechanize: { weightDecay: 0.01, eps: 1e-8, sInit: 1e-6 },
  scaleByMomo: { beta: 0.9, lowerBound: 0, weightDecay: 0 },
  momo: { beta: 0.9, lowerBound: 0, weightDecay: 0 },
  scaleByMomoAdam: { b1: 0.9, b2: 0.999, eps: 1e-8, lowerBound: 0, weightDecay: 0 },
  momoAdam: { b1: 0.9, b2: 0.999, eps: 1e-8, lowerBound: 0, weightDecay: 0 },
  scaleByMuon: { nsSteps: 5, beta: 0.95, eps: 1e-8 },
  muon: {
    nsSteps: 5,
    beta: 0.95,
    eps: 1e-8,
    weightDecay: 0,
    adamB1: 0.9,
    adamB2: 0.999,
    adamEpsRoot: 0,
    adamWeightDecay: 0,
  },
  scaleByProdigy: { eps: 1e-8, estimLr0: 1e-6, estimLrCoef: 1, weightDecay: 0 },
  prodigy: { eps: 1e-8, estimLr0: 1e-6, estimLrCoef: 1, weightDecay: 0 },
  sam: { syncPeriod: 2 },
  scheduleFree: { b1: 0.9, weightLrPower: 2 },
  scheduleFreeSgd: { b1: 0.9, weightLrPower: 2 },
  scheduleFreeAdamw: { b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 0, weightLrPower: 2 },
  scaleBySophia: { b1: 0.965, b2: 0.99, eps: 1e-8, gamma: 0.01, clipThreshold: 1, updateInterval: 10 },
  sophia: { b1: 0.965, b2: 0.99, eps: 1e-8, weightDecay: 1e-4, gamma: 0.01, clipThreshold: 1, updateInterval: 10 },
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (...args: any[]) => GradientTransformation<any>
const C = contrib as unknown as Record<string, Factory>
const hessian = trace(0) // a stand-in Hessian-diagonal estimator (the gradient itself): no objFn needed
/** How each factory is called: its positional arguments, then its options (merged with `o`). */
const ARGS: Record<string, (o?: object) => unknown[]> = {
  scaleByMadgrad: (o) => [0.05, o],
  mechanize: (o) => [sgd(0.05), o],
  sam: (o) => [sgd(0.05), sgd(0.01), o],
  scheduleFree: (o) => [sgd(0.05), 0.05, o],
  scaleBySophia: (o) => [{ hessianDiagonalFn: hessian, ...o }],
  sophia: (o) => [0.05, { hessianDiagonalFn: hessian, ...o }],
  scaleByDog: (o) => [{ initStep: ['heuristic', 1e-6], ...o }],
  scaleByGalore: (o) => [{ rank: 1, ...o }],
  galore: (o) => [0.05, { rank: 1, ...o }],
}
const argsOf = (name: string, o?: object): unknown[] =>
  ARGS[name]?.(o) ?? (name.startsWith('scaleBy') ? [o ?? {}] : [0.05, o ?? {}])

const p0 = {
  w: tensor([0.5, -1, 2], 'float64'),
  m: tensor(
    [
      [1, -0.25],
      [0.5, 2],
    ],
    'float64',
  ),
}
const loss = (p: typeof p0) =>
  tree.leaves(p).reduce((s: number, l) => {
    const d = Array.from((l as Tensor).dataSync())
    return s + d.reduce((a, x) => a + x ** 4 / 4 + x * x, 0)
  }, 0)
const gradAt = (p: typeof p0, t: number) =>
  tree.map((l) => {
    const x = l as Tensor
    const flip = t % 3 === 2 ? -1 : 1
    return tensor(
      Array.from(x.dataSync(), (v, i) => flip * (v ** 3 + 2 * v) + 0.1 * t * i),
      x.shape,
      'float64',
    )
  }, p) as typeof p0
/** The matrix-only transforms (Muon's, GaLore's) see the matrix alone. */
const paramsFor = (name: string): PyTree => (name === 'scaleByMuon' ? { m: p0.m } : p0)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(name: string, tx: GradientTransformation<any>, edit?: (s: any) => any): PyTree[] {
  const params = paramsFor(name) as typeof p0
  let state = tx.init(params)
  const out: PyTree[] = []
  for (let t = 0; t < 6; t++) {
    if (edit && t === 0) state = edit(state)
    const g = name === 'scaleByMuon' ? ({ m: gradAt(p0, t).m } as typeof p0) : gradAt(params, t)
    const extra = { value: loss(params), grad: g, gradFn: () => g }
    const [u, next] = tx.update(g, state, params, extra)
    out.push(u)
    state = next
  }
  return out
}
const perturbations = (v: number): number[] =>
  v === 0 ? [0.5, 1] : Number.isInteger(v) && v > 1 ? [v - 1, v + 1] : [v / 2, v * 2, 1 - (1 - v) / 10]
const toNumbers = (us: PyTree[]) => us.map((u) => tree.leaves(u).map((l) => Array.from((l as Tensor).dataSync())))

// Read by init only (the value sits in the state from the first step): overriding it after init changes nothing.
const INIT_ONLY = new Set([
  'dadaptAdamw.estimLr0',
  'scaleByDadaptAdamw.estimLr0',
  'prodigy.estimLr0',
  'scaleByProdigy.estimLr0',
  'scaleByMomo.lowerBound',
  'momo.lowerBound',
  'scaleByMomoAdam.lowerBound',
  'momoAdam.lowerBound',
])
// Read at init (to seed the state) and at every step: set in the state after init, it differs from the same value
// passed to the factory, in optax too. Still injected; only the equivalence is skipped.
const READ_AT_INIT_TOO = new Set(['scaleByCocob.eps', 'cocob.eps', 'scaleByDowg.eps', 'dowg.eps', 'mechanize.sInit'])
// Too small or too loose to show on this problem within six steps.
const INVISIBLE = new Set([
  'scaleByAcprop.eps',
  'acprop.eps',
  'scaleByMuon.eps',
  'muon.eps',
  'scaleByCocob.eps',
  'cocob.eps',
  'scaleByDog.eps',
  'dog.eps',
  'scaleByGalore.updateProjGap',
  'galore.updateProjGap',
  'scaleBySophia.updateInterval',
  'sophia.updateInterval',
  'sam.syncPeriod',
  'scaleByProdigy.estimLrCoef', // d stays at its floor within six steps
  'prodigy.estimLrCoef',
  'scaleBySophia.b2', // every step is clipped to ±1, whatever the Hessian's average (and γ)
  'sophia.b2',
  'scaleBySophia.gamma',
  'sophia.gamma',
  'mechanize.weightDecay', // ≈ 1e-2·‖θ‖ against the scale s, which stays near sInit in six steps
  'mechanize.eps',
])

describe('injectHyperparams on every contrib factory: the optax numeric defaults are injected', () => {
  it('every contrib factory with numeric options declares them, and the table covers each one', () => {
    const declared = Object.entries(C)
      .filter(([, f]) => typeof f === 'function' && Object.keys(hyperparamDefaultsOf(f).values).length > 0)
      .map(([n]) => n)
      .sort()
    expect(declared).toEqual(Object.keys(OPTAX_CONTRIB_DEFAULTS).sort())
  })

  it.each(Object.entries(OPTAX_CONTRIB_DEFAULTS))('%s', (name, expected) => {
    const f = C[name]!
    const s = injectHyperparams(f)(...(argsOf(name) as never[])).init(paramsFor(name))
    // the learning rate (passed positionally) and galore's rank (passed explicitly) are not defaults
    const { learningRate: _lr, rank: _rank, ...rest } = s.hyperparams as Record<string, number>
    expect(rest).toEqual(expected)
  })

  it.each(Object.keys(OPTAX_CONTRIB_DEFAULTS))(
    '%s: injected equals plain bit for bit, and each injected default reaches its option',
    (name) => {
      const f = C[name]!
      const plain = run(name, f(...argsOf(name)))
      expectTreesEqual(run(name, injectHyperparams(f)(...(argsOf(name) as never[]))), plain)
      for (const [key, v] of Object.entries(hyperparamDefaultsOf(f).values)) {
        const candidates = perturbations(v).filter((x) => {
          try {
            f(...argsOf(name, { [key]: x }))
            return true
          } catch {
            return false
          }
        })
        expect(candidates.length, `${name}.${key}: no valid perturbation`).toBeGreaterThan(0)
        const changed = candidates.map((x) => {
          const overridden = run(name, injectHyperparams(f)(...(argsOf(name) as never[])), (s) => ({
            ...s,
            hyperparams: { ...s.hyperparams, [key]: x },
          }))
          if (INIT_ONLY.has(`${name}.${key}`)) {
            expect(overridden, `${name}.${key} is read by init only`).toEqual(plain)
            return true
          }
          if (READ_AT_INIT_TOO.has(`${name}.${key}`)) return true
          const direct = run(name, f(...argsOf(name, { [key]: x })))
          expect(toNumbers(overridden), `${name}.${key} = ${x} set in the state ≡ passed to the factory`).toEqual(
            toNumbers(direct),
          )
          return JSON.stringify(toNumbers(overridden)) !== JSON.stringify(toNumbers(plain))
        })
        if (!INVISIBLE.has(`${name}.${key}`))
          expect(changed, `${name}.${key}: no value changed anything`).toContain(true)
      }
    },
  )

  it('reduceOnPlateau (optax.contrib.reduce_on_plateau) injects its seven numbers', () => {
    const s = injectHyperparams(reduceOnPlateau)().init(p0)
    expect(s.hyperparams).toEqual({
      factor: 0.1,
      patience: 10,
      rtol: 1e-4,
      atol: 0,
      cooldown: 0,
      accumulationSize: 1,
      minScale: 0,
    })
  })

  it('an explicit option wins over the default', () => {
    expect(injectHyperparams(contrib.adopt)(0.1, { b2: 0.5 }).init(p0).hyperparams).toEqual({
      learningRate: 0.1,
      b1: 0.9,
      b2: 0.5,
      eps: 1e-6,
    })
    expect(injectHyperparams(adam)(0.1).init(p0).hyperparams.eps).toBe(1e-8)
  })
})

describe('injectHyperparams hyperparamDtype (optax hyperparam_dtype)', () => {
  it("'float32' rounds the injected values and the schedule values to float32", () => {
    const tx = injectHyperparams(adam, { hyperparamDtype: 'float32' })((t: number) => 0.1 / (t + 1), { b1: 0.9 })
    let s = tx.init(p0)
    expect(s.hyperparams).toEqual({
      learningRate: Math.fround(0.1),
      b1: Math.fround(0.9),
      b2: Math.fround(0.999),
      eps: Math.fround(1e-8),
      epsRoot: 0,
    })
    ;[, s] = tx.update(gradAt(p0, 0), s, p0)
    ;[, s] = tx.update(gradAt(p0, 1), s, p0)
    expect(s.hyperparams.learningRate).toBe(Math.fround(0.1 / 2))
  })
  it('undefined keeps the doubles; another dtype is refused', () => {
    expect(injectHyperparams(adam)(0.1).init(p0).hyperparams.b2).toBe(0.999)
    expect(() => injectHyperparams(adam, { hyperparamDtype: 'bfloat16' as 'float32' })).toThrow(/hyperparamDtype/)
  })
})
