import { describe, expect, it } from 'vitest'
import { adabelief, addDecayedWeights, chain, identity, scaleByBelief, scaleByLearningRate } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.99, eps: 1e-8, epsRoot: 1e-12 }

aliasSuite('adabelief', [
  {
    label: 'defaults (no weight decay)',
    alias: (lr) => adabelief(lr),
    reference: (lr) => chain(scaleByBelief(), identity(), scaleByLearningRate(lr)),
  },
  {
    label: 'nesterov, weight decay and mask',
    alias: (lr) =>
      adabelief(lr, { ...custom, nesterov: true, weightDecay: 1e-2, weightDecayMask: { w: true, b: false } }),
    reference: (lr) =>
      chain(
        scaleByBelief({ ...custom, nesterov: true }),
        addDecayedWeights({ weightDecay: 1e-2, mask: { w: true, b: false } }),
        scaleByLearningRate(lr),
      ),
  },
])

describe('adabelief', () => {
  it('without weight decay it does not need the params', () => {
    const opt = adabelief(0.1)
    expect(() => opt.update([1], opt.init([0]))).not.toThrow()
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => adabelief(0.1, { b1: 1 })).toThrow('scaleByBelief options.b1 must be in [0, 1); got 1')
    expect(() => adabelief(Number.NaN)).toThrow(/learningRate/)
  })
})
