import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type AdagradState,
  type GradientTransformation,
  HyperparameterError,
  adagrad,
  chain,
  scaleByLearningRate,
  scaleByRss,
} from '../../src/index'
import { aliasSuite } from './_aliasSuite'

aliasSuite(
  'adagrad',
  [
    { label: 'defaults', alias: (lr) => adagrad(lr), reference: (lr) => chain(scaleByRss(), scaleByLearningRate(lr)) },
    {
      label: 'custom options',
      alias: (lr) => adagrad(lr, { initialAccumulatorValue: 1, eps: 1e-3 }),
      reference: (lr) => chain(scaleByRss({ initialAccumulatorValue: 1, eps: 1e-3 }), scaleByLearningRate(lr)),
    },
  ],
  0.5,
)

describe('adagrad', () => {
  it('two steps by hand', () => {
    // s₀ = 0, eps = 0, lr = 0.5: g = 3 → s = 9, u = −0.5·3/3; g = 4 → s = 25, u = −0.5·4/5.
    const tx = adagrad(0.5, { initialAccumulatorValue: 0, eps: 0 })
    const [u1, s1] = tx.update([3], tx.init([0]))
    const [u2] = tx.update([4], s1)
    expect([u1[0], u2[0]]).toEqual([-0.5, -0.4])
  })

  it('defaults: accumulator 0.1 and eps 1e-7 inside the root', () => {
    const [u] = adagrad(1).update([2], adagrad(1).init([0]))
    expect(u[0]).toBeCloseTo(-2 / Math.sqrt(0.1 + 4 + 1e-7), 15)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => adagrad(0.1, { initialAccumulatorValue: -1 })).toThrow(HyperparameterError)
    expect(() => adagrad(0.1, { eps: -1 })).toThrow(/options\.eps/)
    expect(() => adagrad(Number.NaN)).toThrow(/learningRate/)
  })

  it('has the state type of its chain', () => {
    expectTypeOf(adagrad(0.1)).toEqualTypeOf<GradientTransformation<AdagradState>>()
  })
})
