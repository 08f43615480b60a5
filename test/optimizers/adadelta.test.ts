import { describe, expect, it } from 'vitest'
import { adadelta, addDecayedWeights, chain, identity, scaleByAdadelta, scaleByLearningRate } from '../../src/index'
import { aliasSuite, makeParams, trajectory } from './_aliasSuite'
import { expectTreesEqual } from '../_helpers/assertions'

aliasSuite(
  'adadelta',
  [
    {
      label: 'defaults',
      alias: (lr) => adadelta(lr),
      reference: (lr) => chain(addDecayedWeights(0), scaleByAdadelta(), scaleByLearningRate(lr)),
    },
    {
      label: 'custom options, weight decay and mask',
      alias: (lr) => adadelta(lr, { rho: 0.5, eps: 1e-3, weightDecay: 0.1, weightDecayMask: { w: true, b: false } }),
      reference: (lr) =>
        chain(
          addDecayedWeights({ weightDecay: 0.1, mask: { w: true, b: false } }),
          scaleByAdadelta({ rho: 0.5, eps: 1e-3 }),
          scaleByLearningRate(lr),
        ),
    },
  ],
  5,
)

describe('adadelta', () => {
  it('without a learning rate it is the identity after Adadelta: no sign flip, so it ascends', () => {
    expectTreesEqual(
      trajectory(adadelta(), makeParams(), 4),
      trajectory(chain(addDecayedWeights(0), scaleByAdadelta(), identity()), makeParams(), 4),
    )
    const opt = adadelta(undefined, { rho: 0.5, eps: 1 })
    const [u] = opt.update([2], opt.init([0]), [0])
    expect(u[0]).toBeCloseTo(2 / Math.sqrt(3), 14) // along the gradient: f(θ) = θ² would increase
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => adadelta(1, { rho: 2 })).toThrow('scaleByAdadelta options.rho must be in [0, 1]; got 2')
    expect(() => adadelta(Number.NaN)).toThrow(/learningRate/)
  })
})
