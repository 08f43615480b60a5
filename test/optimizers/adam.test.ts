import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type AdamState,
  type GradientTransformation,
  type ScalarOrSchedule,
  type StateOf,
  HyperparameterError,
  adam,
  chain,
  nadam,
  scaleByAdam,
  scaleByLearningRate,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'
import { aliasSuite, makeParams, schedule, trajectory } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.99, eps: 1e-6, epsRoot: 1e-10 }

aliasSuite('adam', [
  { label: 'defaults', alias: (lr) => adam(lr), reference: (lr) => chain(scaleByAdam(), scaleByLearningRate(lr)) },
  {
    label: 'custom options',
    alias: (lr) => adam(lr, custom),
    reference: (lr) => chain(scaleByAdam(custom), scaleByLearningRate(lr)),
  },
  {
    label: 'nesterov',
    alias: (lr) => adam(lr, { ...custom, nesterov: true }),
    reference: (lr) => chain(scaleByAdam({ ...custom, nesterov: true }), scaleByLearningRate(lr)),
  },
])

aliasSuite('nadam', [
  {
    label: 'defaults',
    alias: (lr) => nadam(lr),
    reference: (lr) => chain(scaleByAdam({ nesterov: true }), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options',
    alias: (lr) => nadam(lr, custom),
    reference: (lr) => chain(scaleByAdam({ ...custom, nesterov: true }), scaleByLearningRate(lr)),
  },
])

describe('adam / nadam', () => {
  it('nadam equals adam with nesterov, and overrides nesterov: false', () => {
    for (const lr of [0.01, schedule(0.01)]) {
      const expected = trajectory(adam(lr, { nesterov: true }), makeParams(), 5)
      expectTreesEqual(trajectory(nadam(lr), makeParams(), 5), expected)
      expectTreesEqual(trajectory(nadam(lr, { nesterov: false }), makeParams(), 5), expected)
    }
  })

  it('nesterov changes the updates (the option reaches scaleByAdam)', () => {
    const a = trajectory(adam(0.01), makeParams(), 2).steps[1]!.updates
    const n = trajectory(nadam(0.01), makeParams(), 2).steps[1]!.updates
    expect(() => expectTreesEqual(a, n)).toThrow()
  })

  it('first update from zero state is −lr·g/(|g| + eps), i.e. about −lr·sign(g)', () => {
    // t = 1: m̂ = g, v̂ = g², so u = −lr·g/(|g| + 1e-8).
    const [u] = adam(0.1).update([4, -0.5], adam(0.1).init([0, 0]))
    expect(u[0]).toBeCloseTo((-0.1 * 4) / (4 + 1e-8), 15)
    expect(u[1]).toBeCloseTo((-0.1 * -0.5) / (0.5 + 1e-8), 15)
  })

  it('rejects invalid hyperparameters at construction, naming the option', () => {
    expect(() => adam(0.1, { b1: 1.2 })).toThrow(HyperparameterError)
    expect(() => adam(0.1, { b1: 1.2 })).toThrow('scaleByAdam options.b1 must be in [0, 1); got 1.2')
    expect(() => nadam(0.1, { b2: -1 })).toThrow(/options\.b2/)
    expect(() => adam(Number.NaN)).toThrow(/learningRate/)
  })

  it('has the state type of its chain', () => {
    expectTypeOf(adam(0.1)).toEqualTypeOf<GradientTransformation<AdamState>>()
    expectTypeOf(nadam).toEqualTypeOf(adam)
    const hand = (lr: ScalarOrSchedule) => chain(scaleByAdam(), scaleByLearningRate(lr))
    expectTypeOf<StateOf<ReturnType<typeof hand>>>().toEqualTypeOf<AdamState>()
  })
})
