import { describe, expect, it } from 'vitest'
import { hyperparamDefaultsOf } from '../../src/core/hyperparamDefaults'
import {
  type GradientTransformation,
  type PyTree,
  type Tensor,
  adam,
  injectHyperparams,
  tensor,
  tree,
} from '../../src/index'
import * as optimizers from '../../src/optimizers/index'
import * as transforms from '../../src/transforms/index'
import { expectTreesEqual } from '../_helpers/assertions'

// optax's inject_hyperparams binds the factory's signature with apply_defaults(), so every numeric argument is in
// state.hyperparams, defaults included. Expected values: optax's signatures (alias.py / transform.py, 2edbcbe).
const OPTAX_DEFAULTS: Record<string, Record<string, number>> = {
  adam: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
  nadam: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
  adamw: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, weightDecay: 1e-4 },
  amsgrad: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
  adamax: { b1: 0.9, b2: 0.999, eps: 1e-8 },
  adamaxw: { b1: 0.9, b2: 0.999, eps: 1e-8, weightDecay: 1e-4 },
  adabelief: { b1: 0.9, b2: 0.999, eps: 1e-16, epsRoot: 1e-16 },
  radam: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0, threshold: 5 },
  yogi: { b1: 0.9, b2: 0.999, eps: 1e-3 },
  rmsprop: { decay: 0.9, eps: 1e-8, initialScale: 0 },
  adagrad: { initialAccumulatorValue: 0.1, eps: 1e-7 },
  lamb: { b1: 0.9, b2: 0.999, eps: 1e-6, epsRoot: 0, weightDecay: 0 },
  lars: { weightDecay: 0, trustCoefficient: 0.001, eps: 0, momentum: 0.9 },
  lion: { b1: 0.9, b2: 0.99, weightDecay: 1e-3 },
  novograd: { b1: 0.9, b2: 0.25, eps: 1e-6, epsRoot: 0, weightDecay: 0 },
  adadelta: { rho: 0.9, eps: 1e-6, weightDecay: 0 },
  fromage: { minNorm: 1e-6 },
  sm3: { momentum: 0.9 },
  noisySgd: { eta: 0.01, gamma: 0.55 },
  adafactor: { decayRate: 0.8, decayOffset: 0, eps: 1e-30, clippingThreshold: 1 },
  optimisticGradientDescent: { alpha: 1, beta: 1 },
  polyakSgd: { scaling: 1, maxLearningRate: 1, fMin: 0, eps: 0 },
  adan: { b1: 0.98, b2: 0.92, b3: 0.99, eps: 1e-8, epsRoot: 1e-8, weightDecay: 0 },
  optimisticAdam: { b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
  optimisticAdamV2: { alpha: 1, beta: 1, b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 },
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Factory = (...args: any[]) => GradientTransformation<any>
const p0 = { w: tensor([0.5, -1, 2], 'float64'), b: tensor([[1, -0.25]], 'float64') }
const loss = (p: typeof p0) => [...p.w.dataSync(), ...p.b.dataSync()].reduce((s, x) => s + x ** 4 / 4 + x * x, 0)
/** ∇loss with a sign flip every third step, so sign-based methods (lion, signum, rprop) see the difference. */
const gradAt = (p: typeof p0, t: number) => {
  const flip = t % 3 === 2 ? -1 : 1
  return {
    w: tensor(
      Array.from(p.w.dataSync(), (x, i) => flip * (x ** 3 + 2 * x) + 0.1 * t * i),
      'float64',
    ),
    b: tensor([Array.from(p.b.dataSync(), (x) => flip * (x ** 3 + 2 * x))], 'float64'),
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function run(tx: GradientTransformation<any>, edit?: (s: any) => any): PyTree[] {
  let state = tx.init(p0)
  const out: PyTree[] = []
  for (let t = 0; t < 8; t++) {
    if (edit && t === 0) state = edit(state)
    const g = gradAt(p0, t)
    const [u, next] = tx.update(g, state, p0, { value: loss(p0), grad: g, valueFn: loss as never })
    out.push(u)
    state = next
  }
  return out
}
const argsOf = (name: string, options?: object): unknown[] =>
  name === 'polyakSgd' ? [options ?? {}] : name === 'rprop' || name === 'sm3' ? [0.05, options] : [0.05, options]
/** A valid value that differs from v (an integer stays an integer). */
const perturbations = (v: number): number[] => (v === 0 ? [1, 0.5] : [v / 2, v * 2, 1 - (1 - v) / 10])
const toNumbers = (us: PyTree[]) => us.map((u) => tree.leaves(u).map((l) => Array.from((l as Tensor).dataSync())))

const withDefaults = Object.entries(optimizers as unknown as Record<string, Factory>).filter(
  ([, f]) => Object.keys(hyperparamDefaultsOf(f).values).length > 0,
)

describe('injectHyperparams injects every numeric hyperparameter, defaults included (optax apply_defaults)', () => {
  it('adam: learningRate, b1, b2, eps and epsRoot are in state.hyperparams', () => {
    const s = injectHyperparams(adam)(0.1).init(p0)
    expect(s.hyperparams).toEqual({ learningRate: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, epsRoot: 0 })
  })

  it('overriding an injected default is used by the next update: adam eps = 1 gives −lr·g/(|g| + 1) at step 1', () => {
    // First step: m̂ = g, v̂ = g² (bias-corrected), so u = −lr·g/(√(g²) + eps) = −0.1·2/(2 + 1).
    const tx = injectHyperparams(adam)(0.1)
    const s = tx.init([0])
    const [u] = tx.update([2], { ...s, hyperparams: { ...s.hyperparams, eps: 1 } })
    expect(u[0]).toBeCloseTo(-0.2 / 3, 15)
    const [v] = tx.update([2], { ...s, hyperparams: { ...s.hyperparams, epsRoot: 5 } }) // √(g² + 5) = 3
    expect(v[0]).toBeCloseTo(-0.2 / (3 + 1e-8), 15)
  })

  it.each(Object.entries(OPTAX_DEFAULTS))('%s: the optax defaults are injected', (name, expected) => {
    const f = (optimizers as unknown as Record<string, Factory>)[name]!
    const s = injectHyperparams(f)(...(argsOf(name) as never[])).init(p0)
    expect(s.hyperparams).toMatchObject(expected)
  })

  it('every optimizer with numeric options declares them (the table above covers them all)', () => {
    expect(withDefaults.map(([n]) => n).sort()).toEqual(
      [...Object.keys(OPTAX_DEFAULTS), 'nadamw', 'rprop', 'signum'].sort(),
    )
  })

  it.each(withDefaults)(
    '%s: injected equals plain bit for bit, and each injected default reaches its option',
    (name, f) => {
      expectTreesEqual(run(injectHyperparams(f)(...(argsOf(name) as never[]))), run(f(...argsOf(name))))
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
        const plain = run(f(...argsOf(name)))
        // Set in the state before the first update ≡ passed to the factory; and (some value) must change something.
        const changed = candidates.map((x) => {
          const overridden = run(injectHyperparams(f)(...(argsOf(name) as never[])), (s) => ({
            ...s,
            hyperparams: { ...s.hyperparams, [key]: x },
          }))
          if (INIT_ONLY.has(`${name}.${key}`)) {
            expect(overridden, `${name}.${key} is read by init only`).toEqual(plain) // as in optax: init ran already
            return true
          }
          expectTreesEqual(overridden, run(f(...argsOf(name, { [key]: x }))))
          return JSON.stringify(toNumbers(overridden)) !== JSON.stringify(toNumbers(plain))
        })
        if (!INVISIBLE.has(`${name}.${key}`))
          expect(changed, `${name}.${key}: no value changed anything`).toContain(true)
      }
    },
  )

  it('transforms declare theirs too: scaleByAdam, scaleByRms, scaleByRprop (positional learning rate first)', () => {
    expect(injectHyperparams(transforms.scaleByAdam)().init(p0).hyperparams).toEqual(OPTAX_DEFAULTS.adam)
    expect(injectHyperparams(transforms.scaleByRms)({ decay: 0.5 }).init(p0).hyperparams).toEqual({
      decay: 0.5,
      eps: 1e-8,
      initialScale: 0,
    })
    const rprop = injectHyperparams(transforms.scaleByRprop as Factory)(0.1).init(p0).hyperparams
    expect(rprop).toEqual({ learningRate: 0.1, etaMinus: 0.5, etaPlus: 1.2, minStepSize: 1e-6, maxStepSize: 50 })
  })

  it('staticArgs and explicit options win over the defaults', () => {
    const s = injectHyperparams(adam, { staticArgs: ['eps'] })(0.1, { b2: 0.5 }).init(p0)
    expect(s.hyperparams).toEqual({ learningRate: 0.1, b1: 0.9, b2: 0.5, epsRoot: 0 })
  })
})

// Read by init only: overriding them after init changes nothing, in optax too (the accumulators exist already).
const INIT_ONLY = new Set(['rmsprop.initialScale', 'adagrad.initialAccumulatorValue', 'yogi.initialAccumulatorValue'])
// Too small or too loose to show in eight steps of this problem: eps ≪ the moments, bounds that never bind.
const INVISIBLE = new Set([
  'fromage.minNorm', // 1e-6 ≪ ‖g‖
  'adafactor.eps', // 1e-30 ≪ g²
  'adabelief.eps', // 1e-16 is below the rounding of s ≈ 1
  'rprop.minStepSize', // step sizes stay in [1e-6, 50] within eight steps
  'rprop.maxStepSize',
  'polyakSgd.maxLearningRate', // the Polyak step (f − f*)/‖g‖² ≈ 0.1 stays under the cap
])
