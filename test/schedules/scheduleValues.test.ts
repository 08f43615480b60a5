import { describe, expect, it } from 'vitest'
import { HyperparameterError, adamw, injectHyperparams, scaleBySchedule, sgd, tensor } from '../../src/index'
import * as optimizers from '../../src/optimizers/index'

// Issue 14 item 3: a schedule returning NaN, ±Infinity, undefined or a string gave non-finite updates silently.
const bad: readonly unknown[] = [NaN, Infinity, -Infinity, undefined, '0.1']
const p = { w: tensor([1, 2]) }
const g = { w: tensor([0.5, -0.5]) }

describe('a schedule is checked where it is evaluated', () => {
  it.each(bad.map((v) => [String(v), v] as const))('returning %s: a HyperparameterError naming the step', (_, v) => {
    const schedule = (count: number) => (count < 2 ? 0.1 : v) as number
    const tx = sgd(schedule)
    let s = tx.init(p)
    for (let i = 0; i < 2; i++) s = tx.update(g, s, p)[1]
    expect(() => tx.update(g, s, p)).toThrow(HyperparameterError)
    expect(() => tx.update(g, s, p)).toThrow(/learningRate: the schedule returned .* at step 2, not a finite number/)
  })

  it('in every alias that takes a learning-rate schedule, and in weight decay and scaleBySchedule', () => {
    const nan = () => NaN
    for (const [name, make] of Object.entries(optimizers)) {
      // No learning-rate schedule: polyak steps, rprop's lr is a step size kept in its state, sm3 and optimisticAdam
      // (whose lr is the optimistic step alpha, as optax's) take numbers only.
      if (name === 'polyakSgd' || name === 'rprop' || name === 'sm3' || name === 'optimisticAdam') continue
      const tx = (make as (lr: unknown) => { init: (p: unknown) => unknown; update: (...a: unknown[]) => unknown })(nan)
      const extra = { value: 1, grad: g, valueFn: () => 1 }
      expect(() => tx.update(g, tx.init(p), p, extra), name).toThrow(/schedule returned NaN at step 0/)
    }
    const wd = adamw(0.1, { weightDecay: () => NaN })
    expect(() => wd.update(g, wd.init(p), p)).toThrow(
      /addDecayedWeights options.weightDecay: the schedule returned NaN at step 0/,
    )
    expect(() => scaleBySchedule(() => Infinity).update(g, { count: 0 })).toThrow(
      /scaleBySchedule stepSizeFn: the schedule returned Infinity at step 0/,
    )
  })

  it('finite values pass through unchanged (injectHyperparams too)', () => {
    const tx = injectHyperparams(sgd)((c: number) => 0.1 / (1 + c))
    const [u] = tx.update(g, tx.init(p), p)
    expect(Array.from(u.w.dataSync())).toEqual([Math.fround(-0.05), Math.fround(0.05)])
  })
})
