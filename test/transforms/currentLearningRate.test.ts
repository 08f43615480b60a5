import { describe, expect, it } from 'vitest'
import {
  DescentError,
  adam,
  applyIfFinite,
  chain,
  clipByGlobalNorm,
  currentLearningRate,
  injectHyperparams,
  lookahead,
  lookaheadParams,
  masked,
  multiSteps,
  multiTransform,
  polyakSgd,
  scaleByAdam,
  sgd,
  tensor,
  type GradientTransformation,
} from '../../src/index'
import * as optimizers from '../../src/optimizers/index'

// optax #206 / #312: "how do I read the current learning rate?". Expected values: the constant itself, or the
// schedule evaluated at the count the next update uses (count = number of updates so far).
const params = { w: tensor([1, -2], 'float64') }
const g = { w: tensor([0.5, 0.25], 'float64') }
const schedule = (c: number) => 0.1 / (1 + c)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function after<S>(tx: GradientTransformation<S>, steps: number, p: any = params): S {
  let s = tx.init(p)
  for (let i = 0; i < steps; i++) s = tx.update(g as never, s, p, { value: 1, grad: g, valueFn: () => 1 })[1]
  return s
}

describe('currentLearningRate', () => {
  it('every alias that takes a learning rate returns it (fromage: its effective α/√(1 + α²))', () => {
    // Polyak's step comes from the loss; rprop's lr is a step size; optimisticAdam's lr is the optimistic gradient's
    // alpha (optax's optimistic_adam), its chain ends in scaleByLearningRate(1): it reports 1 (tested below).
    const none = new Set(['polyakSgd', 'rprop', 'optimisticAdam'])
    for (const [name, make] of Object.entries(optimizers)) {
      if (none.has(name)) continue
      const tx = (make as (lr: number) => GradientTransformation<unknown>)(0.1)
      const expected = name === 'fromage' ? 0.1 / Math.sqrt(1 + 0.01) : 0.1
      expect(currentLearningRate(tx, tx.init(params)), name).toBeCloseTo(expected, 15)
    }
  })

  it('a schedule: α(count) for the next update, through chain', () => {
    const tx = chain(clipByGlobalNorm(1), adam(schedule))
    expect([0, 1, 4].map((k) => currentLearningRate(tx, after(tx, k)))).toEqual([0.1, 0.05, 0.02])
  })

  it('injectHyperparams: a hand-set learning rate, or the schedule at the next count', () => {
    const tx = injectHyperparams(adam)(0.1)
    const s = after(tx, 2)
    expect(currentLearningRate(tx, s)).toBe(0.1)
    expect(currentLearningRate(tx, { ...s, hyperparams: { ...s.hyperparams, learningRate: 0.5 } })).toBe(0.5)
    const scheduled = injectHyperparams(adam)(schedule)
    expect(currentLearningRate(scheduled, after(scheduled, 3))).toBe(0.025)
  })

  it('through masked, applyIfFinite, lookahead and multiSteps (whose inner count moves every k steps)', () => {
    const m = masked(sgd(schedule), { w: true })
    expect(currentLearningRate(m, after(m, 1))).toBe(0.05)
    const f = applyIfFinite(sgd(schedule), { maxConsecutiveErrors: 2 })
    expect(currentLearningRate(f, after(f, 3))).toBe(0.025)
    const la = lookahead(sgd(schedule), { syncPeriod: 2, slowStepSize: 0.5 })
    const lp = lookaheadParams(params)
    expect(currentLearningRate(la, after(la, 2, lp))).toBeCloseTo(0.1 / 3, 15)
    const ms = multiSteps(sgd(schedule), { everyKSchedule: 2 })
    expect(currentLearningRate(ms, after(ms, 3))).toBe(0.05) // one inner update after 3 mini-steps
  })

  it('multiTransform: one shared rate is returned; different per-group rates are an error naming them', () => {
    const same = multiTransform({ a: sgd(0.1), b: adam(0.1) }, { w: 'a' })
    expect(currentLearningRate(same, same.init(params))).toBe(0.1)
    const groups = multiTransform({ a: sgd(0.1), b: adam(0.01) }, { w: 'a' })
    expect(() => currentLearningRate(groups, groups.init(params))).toThrow(/2 different learning rates \(0\.1, 0\.01\)/)
  })

  it('no learning rate: a DescentError with the fix', () => {
    const s = scaleByAdam()
    expect(() => currentLearningRate(s, s.init(params))).toThrow(DescentError)
    const r = optimizers.rprop(0.1)
    expect(() => currentLearningRate(r, r.init(params))).toThrow(/no learning rate/)
  })

  it('optimisticAdam: 1, the factor of its last link (its learning rate is the optimistic step alpha)', () => {
    const tx = optimizers.optimisticAdam(0.1)
    expect(currentLearningRate(tx, tx.init(params))).toBe(1)
  })

  it('polyakSgd: its scaling (the Polyak step itself comes from the loss at each update)', () => {
    const p = polyakSgd({ scaling: 0.5 })
    expect(currentLearningRate(p, p.init(params))).toBe(0.5)
  })
})
