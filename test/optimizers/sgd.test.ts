import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type GradientTransformation,
  type SgdState,
  HyperparameterError,
  chain,
  identity,
  scaleByLearningRate,
  sgd,
  trace,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'
import { aliasSuite, makeParams, trajectory } from './_aliasSuite'

aliasSuite('sgd', [
  { label: 'no momentum', alias: (lr) => sgd(lr), reference: (lr) => chain(identity(), scaleByLearningRate(lr)) },
  {
    label: 'momentum 0.9',
    alias: (lr) => sgd(lr, { momentum: 0.9 }),
    reference: (lr) => chain(trace(0.9, { nesterov: false }), scaleByLearningRate(lr)),
  },
  {
    label: 'nesterov momentum 0.9',
    alias: (lr) => sgd(lr, { momentum: 0.9, nesterov: true }),
    reference: (lr) => chain(trace(0.9, { nesterov: true }), scaleByLearningRate(lr)),
  },
  {
    label: 'momentum 0 (a trace that equals no momentum)',
    alias: (lr) => sgd(lr, { momentum: 0 }),
    reference: (lr) => chain(trace(0), scaleByLearningRate(lr)),
  },
])

describe('sgd', () => {
  it('without momentum is u = −lr·g, with an empty state', () => {
    const tx = sgd(0.5)
    const [u, state] = tx.update([2, -4], tx.init([0, 0]))
    expect(u).toEqual([-1, 2])
    expect(state).toEqual([{}, {}])
  })

  it('heavy-ball momentum by hand: tr = g + β·tr, u = −lr·tr', () => {
    // β = 0.5, lr = 0.1, g = 2 then 4: tr₁ = 2, u₁ = −0.2; tr₂ = 4 + 0.5·2 = 5, u₂ = −0.5.
    // Nesterov: u₁ = −0.1·(2 + 0.5·2) = −0.3; u₂ = −0.1·(4 + 0.5·5) = −0.65.
    const heavy = sgd(0.1, { momentum: 0.5 })
    const [u1, s1] = heavy.update([2], heavy.init([0]))
    const [u2] = heavy.update([4], s1)
    expect([u1[0], u2[0]]).toEqual([-0.1 * 2, -0.1 * 5])
    const nest = sgd(0.1, { momentum: 0.5, nesterov: true })
    const [n1, t1] = nest.update([2], nest.init([0]))
    const [n2] = nest.update([4], t1)
    expect([n1[0], n2[0]]).toEqual([-0.1 * 3, -0.1 * 6.5])
  })

  it('nesterov without momentum is plain sgd (as in optax)', () => {
    expectTreesEqual(trajectory(sgd(0.1, { nesterov: true }), makeParams(), 4), trajectory(sgd(0.1), makeParams(), 4))
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => sgd(0.1, { momentum: 1.5 })).toThrow(HyperparameterError)
    expect(() => sgd(0.1, { momentum: 1.5 })).toThrow(
      /^sgd options.momentum must be in \[0, 1\); got 1.5\. Momentum ≥ 1/,
    )
    expect(() => sgd(Number.POSITIVE_INFINITY)).toThrow(/learningRate/)
    expect(() => sgd(0.1, { momentum: 0.9, nesterov: 'yes' as unknown as boolean })).toThrow(/nesterov/)
  })

  it('has the state type of its chain', () => {
    expectTypeOf(sgd(0.1)).toEqualTypeOf<GradientTransformation<SgdState>>()
  })
})
