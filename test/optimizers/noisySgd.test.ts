import { describe, expect, it } from 'vitest'
import { addNoise, chain, noisySgd, prngKey, scaleByLearningRate } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite('noisySgd', [
  {
    label: 'defaults (eta 0.01, gamma 0.55, key 0)',
    alias: (lr) => noisySgd(lr),
    reference: (lr) => chain(addNoise({ eta: 0.01, gamma: 0.55, key: 0 }), scaleByLearningRate(lr)),
  },
  {
    label: 'custom eta, gamma and key',
    alias: (lr) => noisySgd(lr, { eta: 0.1, gamma: 1, key: prngKey(9) }),
    reference: (lr) => chain(addNoise(0.1, 1, { key: [0, 9] }), scaleByLearningRate(lr)),
  },
])

describe('noisySgd', () => {
  it('different keys give different trajectories; the same key the same', () => {
    const g = [1, 2]
    const a = noisySgd(0.1, { key: 1 })
    const b = noisySgd(0.1, { key: 2 })
    expect(a.update(g, a.init(g))[0]).not.toEqual(b.update(g, b.init(g))[0])
    expect(a.update(g, a.init(g))[0]).toEqual(noisySgd(0.1, { key: 1 }).update(g, a.init(g))[0])
  })

  it('rejects invalid hyperparameters', () => {
    expect(() => noisySgd(0.1, { eta: -1 })).toThrow('addNoise options.eta must be in [0, Infinity); got -1')
    expect(() => noisySgd(NaN)).toThrow(/learningRate/)
  })
})
