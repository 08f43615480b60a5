import { describe, expect, it } from 'vitest'
import { addDecayedWeights, chain, lamb, scaleByAdam, scaleByLearningRate, scaleByTrustRatio } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('lamb', [
  {
    label: 'defaults (eps 1e-6, no weight decay)',
    alias: (lr) => lamb(lr),
    reference: (lr) =>
      chain(scaleByAdam({ eps: 1e-6 }), addDecayedWeights(0), scaleByTrustRatio(), scaleByLearningRate(lr)),
  },
  {
    label: 'custom moments, masked weight decay',
    alias: (lr) =>
      lamb(lr, { b1: 0.8, b2: 0.99, eps: 1e-8, epsRoot: 1e-12, weightDecay: 0.1, mask: { w: true, b: false } }),
    reference: (lr) =>
      chain(
        scaleByAdam({ b1: 0.8, b2: 0.99, eps: 1e-8, epsRoot: 1e-12 }),
        addDecayedWeights({ weightDecay: 0.1, mask: { w: true, b: false } }),
        scaleByTrustRatio(),
        scaleByLearningRate(lr),
      ),
  },
])

describe('lamb', () => {
  it('rejects invalid hyperparameters; needs params', () => {
    expect(() => lamb(0.1, { b2: 1 })).toThrow('scaleByAdam options.b2 must be in [0, 1); got 1')
    expect(() => lamb(NaN)).toThrow(/learningRate/)
    const tx = lamb(0.1)
    expect(() => tx.update([1], tx.init([1]))).toThrow(/params/)
  })
})
