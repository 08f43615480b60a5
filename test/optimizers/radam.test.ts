import { describe, expect, it } from 'vitest'
import { chain, radam, scaleByLearningRate, scaleByRadam } from '../../src/index'
import { aliasSuite } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.9, eps: 1e-6, epsRoot: 1e-10, threshold: 4 } // rectified from t = 5

aliasSuite('radam', [
  { label: 'defaults', alias: (lr) => radam(lr), reference: (lr) => chain(scaleByRadam(), scaleByLearningRate(lr)) },
  {
    label: 'custom options (rectified from step 5)',
    alias: (lr) => radam(lr, custom),
    reference: (lr) => chain(scaleByRadam(custom), scaleByLearningRate(lr)),
  },
  {
    label: 'nesterov',
    alias: (lr) => radam(lr, { ...custom, nesterov: true }),
    reference: (lr) => chain(scaleByRadam({ ...custom, nesterov: true }), scaleByLearningRate(lr)),
  },
])

describe('radam', () => {
  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => radam(0.1, { b2: 1 })).toThrow('scaleByRadam options.b2 must be in [0, 1); got 1')
    expect(() => radam(Number.NaN)).toThrow(/learningRate/)
  })
})
