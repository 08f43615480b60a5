import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type GradientTransformation,
  type RmspropState,
  HyperparameterError,
  chain,
  identity,
  rmsprop,
  scaleByLearningRate,
  scaleByRms,
  scaleByStddev,
  trace,
} from '../../src/index'
import { aliasSuite } from './_aliasSuite'

const custom = { decay: 0.95, eps: 1e-6, initialScale: 0.1, epsInSqrt: false, biasCorrection: true }

aliasSuite(
  'rmsprop',
  [
    {
      label: 'defaults',
      alias: (lr) => rmsprop(lr),
      reference: (lr) => chain(scaleByRms({ decay: 0.9, eps: 1e-8 }), scaleByLearningRate(lr), identity()),
    },
    {
      label: 'custom options',
      alias: (lr) => rmsprop(lr, custom),
      reference: (lr) => chain(scaleByRms(custom), scaleByLearningRate(lr), identity()),
    },
    {
      label: 'centered',
      alias: (lr) => rmsprop(lr, { centered: true }),
      reference: (lr) => chain(scaleByStddev(), scaleByLearningRate(lr), identity()),
    },
    {
      label: 'centered, custom options',
      alias: (lr) => rmsprop(lr, { ...custom, centered: true }),
      reference: (lr) => chain(scaleByStddev(custom), scaleByLearningRate(lr), identity()),
    },
    {
      label: 'momentum (after the learning rate)',
      alias: (lr) => rmsprop(lr, { momentum: 0.9 }),
      reference: (lr) => chain(scaleByRms(), scaleByLearningRate(lr), trace(0.9)),
    },
    {
      label: 'centered, nesterov momentum',
      alias: (lr) => rmsprop(lr, { centered: true, momentum: 0.5, nesterov: true }),
      reference: (lr) => chain(scaleByStddev(), scaleByLearningRate(lr), trace(0.5, { nesterov: true })),
    },
  ],
  0.01,
)

describe('rmsprop', () => {
  it('two steps by hand (decay 0.5, eps 0, momentum 0.5 after the learning rate)', () => {
    // g = 2: ν = 0.5·4 = 2, s = 2/√2 = √2, tr = −0.1·√2.
    // g = 2: ν = 0.5·2 + 0.5·4 = 3, s = 2/√3, tr = −0.1·2/√3 + 0.5·(−0.1·√2).
    const tx = rmsprop(0.1, { decay: 0.5, eps: 0, momentum: 0.5 })
    const [u1, s1] = tx.update([2], tx.init([0]))
    const [u2] = tx.update([2], s1)
    expect(u1[0]).toBeCloseTo(-0.1 * Math.SQRT2, 15)
    expect(u2[0]).toBeCloseTo(-0.1 * (2 / Math.sqrt(3)) + 0.5 * (-0.1 * Math.SQRT2), 15)
  })

  it('has no momentum state without momentum and a trace with it', () => {
    expect(rmsprop(0.1).init([0])[2]).toEqual({})
    expect(rmsprop(0.1, { momentum: 0.9 }).init([0])[2]).toHaveProperty('trace')
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => rmsprop(0.1, { decay: 1.5 })).toThrow(HyperparameterError)
    expect(() => rmsprop(0.1, { decay: 1.5, centered: true })).toThrow(/options\.decay/)
    expect(() => rmsprop(0.1, { momentum: -0.5 })).toThrow('rmsprop options.momentum must be in [0, 1); got -0.5')
    expect(() => rmsprop(0.1, { centered: 1 as unknown as boolean })).toThrow(
      'rmsprop options.centered must be true or false; got 1',
    )
    expect(() => rmsprop(Number.NaN)).toThrow(/learningRate/)
  })

  it('has the state type of its chain', () => {
    expectTypeOf(rmsprop(0.1)).toEqualTypeOf<GradientTransformation<RmspropState>>()
  })
})
