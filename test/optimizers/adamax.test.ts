import { describe, expect, it } from 'vitest'
import { adamax, adamaxw, addDecayedWeights, chain, scaleByAdamax, scaleByLearningRate } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.99, eps: 1e-6 }

aliasSuite('adamax', [
  { label: 'defaults', alias: (lr) => adamax(lr), reference: (lr) => chain(scaleByAdamax(), scaleByLearningRate(lr)) },
  {
    label: 'custom options',
    alias: (lr) => adamax(lr, custom),
    reference: (lr) => chain(scaleByAdamax(custom), scaleByLearningRate(lr)),
  },
])

aliasSuite('adamaxw', [
  {
    label: 'defaults (weightDecay 1e-4)',
    alias: (lr) => adamaxw(lr),
    reference: (lr) => chain(scaleByAdamax(), addDecayedWeights(1e-4), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options and mask',
    alias: (lr) => adamaxw(lr, { ...custom, weightDecay: 0.1, mask: { w: true, b: false } }),
    reference: (lr) =>
      chain(
        scaleByAdamax(custom),
        addDecayedWeights({ weightDecay: 0.1, mask: { w: true, b: false } }),
        scaleByLearningRate(lr),
      ),
  },
])

describe('adamax / adamaxw', () => {
  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => adamax(0.1, { b1: 1 })).toThrow('scaleByAdamax options.b1 must be in [0, 1); got 1')
    expect(() => adamaxw(0.1, { weightDecay: NaN })).toThrow(/weightDecay/)
    expect(() => adamax(Number.NaN)).toThrow(/learningRate/)
  })
})
