import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type AmsgradState,
  type GradientTransformation,
  HyperparameterError,
  amsgrad,
  chain,
  scaleByAmsgrad,
  scaleByLearningRate,
} from '../../src/index'
import { aliasSuite } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.99, eps: 1e-6, epsRoot: 1e-10 }

aliasSuite('amsgrad', [
  {
    label: 'defaults',
    alias: (lr) => amsgrad(lr),
    reference: (lr) => chain(scaleByAmsgrad(), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options',
    alias: (lr) => amsgrad(lr, custom),
    reference: (lr) => chain(scaleByAmsgrad(custom), scaleByLearningRate(lr)),
  },
  {
    label: 'no bias corrections',
    alias: (lr) => amsgrad(lr, { biasCorrectionMu: false, biasCorrectionNu: false }),
    reference: (lr) =>
      chain(scaleByAmsgrad({ biasCorrectionMu: false, biasCorrectionNu: false }), scaleByLearningRate(lr)),
  },
])

describe('amsgrad', () => {
  it('two steps by hand: the running max keeps the larger bias-corrected second moment', () => {
    // b1 = 0, b2 = 0.5, eps = 0, lr = 0.1: g = 4 → v̂ = 16, u = −0.1·4/4; g = 1 → v̂ = 6 < 16, u = −0.1·1/4.
    const tx = amsgrad(0.1, { b1: 0, b2: 0.5, eps: 0 })
    const [u1, s1] = tx.update([4], tx.init([0]))
    const [u2] = tx.update([1], s1)
    expect([u1[0], u2[0]]).toEqual([-0.1, -0.025])
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => amsgrad(0.1, { b2: 1 })).toThrow(HyperparameterError)
    expect(() => amsgrad(0.1, { b2: 1 })).toThrow(/options\.b2/)
    expect(() => amsgrad(Number.NaN)).toThrow(/learningRate/)
  })

  it('has the state type of its chain', () => {
    expectTypeOf(amsgrad(0.1)).toEqualTypeOf<GradientTransformation<AmsgradState>>()
  })
})
