import { describe, expect, it } from 'vitest'
import { chain, ema, scaleByLearningRate, scaleBySign, signum } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('signum', [
  {
    label: 'defaults (beta 0.9)',
    alias: (lr) => signum(lr),
    reference: (lr) => chain(ema(0.9, { debias: false }), scaleBySign(), scaleByLearningRate(lr)),
  },
  {
    label: 'beta 0.5',
    alias: (lr) => signum(lr, { beta: 0.5 }),
    reference: (lr) => chain(ema(0.5, { debias: false }), scaleBySign(), scaleByLearningRate(lr)),
  },
])

describe('signum', () => {
  it('takes the sign of the (undebiased) moving average, not of the gradient', () => {
    const opt = signum(1, { beta: 0.9 })
    const [, s1] = opt.update([1], opt.init([0]))
    // m = 0.1, then 0.09 − 0.05 = 0.04 > 0 although g = −0.5
    expect(opt.update([-0.5], s1)[0]).toEqual([-1])
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => signum(0.1, { beta: 2 })).toThrow(/decay must be in \[0, 1\]; got 2/)
    expect(() => signum(Number.NaN)).toThrow(/learningRate/)
  })
})
