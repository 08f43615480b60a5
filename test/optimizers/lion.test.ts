import { describe, expect, it } from 'vitest'
import { addDecayedWeights, chain, lion, scaleByLearningRate, scaleByLion } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('lion', [
  {
    label: 'defaults (weightDecay 1e-3)',
    alias: (lr) => lion(lr),
    reference: (lr) => chain(scaleByLion(), addDecayedWeights(1e-3), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options, smooth mode, mask',
    alias: (lr) =>
      lion(lr, { b1: 0.5, b2: 0.9, mode: 'smooth', smoothBeta: 2, weightDecay: 0.1, mask: { w: true, b: false } }),
    reference: (lr) =>
      chain(
        scaleByLion({ b1: 0.5, b2: 0.9, mode: 'smooth', smoothBeta: 2 }),
        addDecayedWeights({ weightDecay: 0.1, mask: { w: true, b: false } }),
        scaleByLearningRate(lr),
      ),
  },
])

describe('lion', () => {
  it('default weight decay is 1e-3: −lr·(sign(c) + 1e-3·θ)', () => {
    const opt = lion(0.1)
    const [u] = opt.update([0.5], opt.init([10]), [10])
    expect(u[0]).toBeCloseTo(-0.1 * (1 + 1e-2), 15)
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => lion(0.1, { b2: 2 })).toThrow('scaleByLion options.b2 must be in [0, 1]; got 2')
    expect(() => lion(Number.NaN)).toThrow(/learningRate/)
  })
})
