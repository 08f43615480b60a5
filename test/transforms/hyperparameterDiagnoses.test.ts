import { describe, expect, it } from 'vitest'
import {
  adam,
  adamw,
  chain,
  clip,
  clipByGlobalNorm,
  DescentError,
  HyperparameterError,
  injectHyperparams,
  linearSchedule,
  masked,
  multiSteps,
  applyIfFinite,
  rmsprop,
  scaleByAdam,
  scaleByRms,
  sgd,
  tensor,
  trace,
  warmupCosineDecaySchedule,
  type Diagnosis,
  type GradientTransformation,
} from '../../src/index'
import * as optimizers from '../../src/optimizers/index'
import { hyperparameterDiagnoses } from '../../src/transforms/hyperparameterDiagnoses'
import { ALIASES, TRANSFORMS } from '../_helpers/optimizerCases'

const only = <S>(tx: GradientTransformation<S>): Diagnosis => {
  const ds = hyperparameterDiagnoses(tx)
  expect(ds).toHaveLength(1)
  const d = ds[0]!
  expect(d.code).toBe('suspiciousHyperparameter')
  expect(d.severity).toBe('warning')
  expect(d.fix.length).toBeGreaterThan(20)
  return d
}

const thrown = (f: () => unknown): HyperparameterError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(HyperparameterError)
    expect(e).toBeInstanceOf(DescentError)
    expect((e as { code?: string }).code).toBe('suspiciousHyperparameter')
    return e as HyperparameterError
  }
  throw new Error('expected a HyperparameterError')
}

describe('suspicious hyperparameters are attached as warnings (issue 9)', () => {
  it('lr = -0.1: the update climbs the loss', () => {
    const d = only(sgd(-0.1))
    expect(d.message).toMatch(/learningRate = -0\.1 < 0/)
    expect(d.fix).toMatch(/positive learning rate/)
    // it really does climb: u = +0.1·g
    const tx = sgd(-0.1)
    expect(tx.update([2], tx.init([0]))[0]).toEqual([0.2])
    expect(only(adam(0)).message).toMatch(/learningRate = 0: every update is 0/)
  })

  it('eps = 0 with the Adam family: NaN on a coordinate whose gradient is 0 (optax allows it; a warning)', () => {
    const tx = adam(1e-3, { eps: 0 })
    const d = only(tx)
    expect(d.message).toMatch(/scaleByAdam options\.eps = 0 \(with epsRoot = 0\)/)
    expect(d.message).toMatch(/NaN/)
    expect(d.fix).toMatch(/1e-8/)
    // what the warning is about: a zero gradient gives 0/0
    const p = { w: tensor([0, 1]) }
    const u = tx.update({ w: tensor([0, 1]) }, tx.init(p), p)[0].w.toArray() as number[]
    expect(Number.isNaN(u[0])).toBe(true)
    // epsRoot > 0 guards it, and so does the default eps
    expect(hyperparameterDiagnoses(adam(1e-3, { eps: 0, epsRoot: 1e-12 }))).toEqual([])
    expect(only(scaleByRms({ eps: 0 })).message).toMatch(/scaleByRms options\.eps = 0 \(with initialScale = 0\)/)
    expect(hyperparameterDiagnoses(scaleByRms({ eps: 0, initialScale: 1 }))).toEqual([])
  })

  it('b2 < b1: swapped betas', () => {
    const d = only(adamw(1e-3, { b1: 0.999, b2: 0.9 }))
    expect(d.message).toMatch(/options\.b2 = 0\.9 < options\.b1 = 0\.999/)
    expect(d.fix).toMatch(/b1 = 0\.9, b2 = 0\.999/)
  })

  it('clipByGlobalNorm(0) and clip(0): every update is 0 (legal in optax and PyTorch; a warning)', () => {
    const d = only(chain(clipByGlobalNorm(0), adam(1e-3)))
    expect(d.message).toMatch(/clipByGlobalNorm maxNorm = 0/)
    expect(d.fix).toMatch(/leave clipByGlobalNorm out/)
    expect(only(clip(0)).message).toMatch(/clip maxDelta = 0/)
    expect(only(trace(1)).message).toMatch(/trace decay = 1/)
  })

  it('momentum ≥ 1 is an error naming the option the user passed, with a fix', () => {
    for (const [name, make] of [
      ['sgd', () => sgd(0.1, { momentum: 1.5 })],
      ['sgd', () => sgd(0.1, { momentum: 1 })],
      ['rmsprop', () => rmsprop(0.1, { momentum: 1 })],
      ['lars', () => optimizers.lars(0.1, { momentum: 1 })],
      ['adafactor', () => optimizers.adafactor(0.1, { momentum: 1 })],
      ['sm3', () => optimizers.sm3(0.1, { momentum: 1 })],
    ] as const) {
      const e = thrown(make)
      expect(e.message).toMatch(new RegExp(`^${name} options\\.momentum must be in \\[0, 1\\); got 1`))
      expect(e.message).not.toMatch(/trace|decay|b1/)
      expect(e.message).toMatch(/use 0\.9/)
    }
    expect(thrown(() => scaleByAdam({ b1: 1.2 })).message).toMatch(/b1 must be in \[0, 1\)/)
  })

  it('walks chains and wrappers, in chain order', () => {
    const tx = chain(clipByGlobalNorm(0), adam(-1, { eps: 0 }))
    expect(hyperparameterDiagnoses(tx).map((d) => d.message.slice(0, 20))).toEqual([
      'clipByGlobalNorm max',
      'scaleByAdam options.',
      'learningRate = -1 < ',
    ])
    for (const wrapped of [
      masked(sgd(-0.1), { w: true }),
      multiSteps(sgd(-0.1), { everyKSchedule: 2 }),
      applyIfFinite(sgd(-0.1)),
      injectHyperparams(sgd)(-0.1),
    ] as GradientTransformation<unknown>[]) {
      expect(only(wrapped).message).toMatch(/learningRate = -0\.1/)
    }
  })

  it('injectHyperparams judges constants only: a warmup from 0 is not a zero learning rate', () => {
    const warmup = linearSchedule({ initValue: 0, endValue: 1e-3, transitionSteps: 100 })
    expect(hyperparameterDiagnoses(injectHyperparams(adam)(warmup))).toEqual([])
    expect(only(injectHyperparams(adam)(warmup, { eps: 0 })).message).toMatch(/eps = 0/)
    const cosine = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3, warmupSteps: 10, decaySteps: 100 })
    expect(hyperparameterDiagnoses(adam(cosine))).toEqual([])
  })

  it('is data, not a print: building a transform writes nothing to the console', () => {
    const seen: unknown[] = []
    const original = console.warn
    console.warn = (...a: unknown[]) => void seen.push(a)
    try {
      sgd(-0.1)
      adam(1e-3, { eps: 0 })
    } finally {
      console.warn = original
    }
    expect(seen).toEqual([])
    const [d] = hyperparameterDiagnoses(sgd(-0.1))
    expect(Object.isFrozen(d)).toBe(true)
    expect(Object.keys(sgd(-0.1))).toEqual(['init', 'update']) // the warnings are not enumerable
  })
})

describe('no false alarms', () => {
  it.each(Object.entries(optimizers))('%s at its defaults', (_, make) => {
    // polyakSgd has no learning rate (its step comes from the loss): it takes its options object.
    const arg = make === optimizers.polyakSgd ? {} : 1e-3
    expect(hyperparameterDiagnoses((make as (lr: unknown) => GradientTransformation<unknown>)(arg))).toEqual([])
  })

  const cases = [...Object.values(ALIASES), ...Object.values(TRANSFORMS)].flatMap((c) =>
    typeof c === 'string' ? [] : c,
  )
  it.each(cases.map((c) => [c.label, c] as const))('%s (the resume and law cases)', (_, c) => {
    expect(hyperparameterDiagnoses(c.make())).toEqual([])
  })
})
