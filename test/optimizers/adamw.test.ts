import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type AdamWState,
  type GradientTransformation,
  type ScalarOrSchedule,
  type StateOf,
  HyperparameterError,
  addDecayedWeights,
  adam,
  adamw,
  chain,
  nadamw,
  scaleByAdam,
  scaleByLearningRate,
  tensor,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'
import { aliasSuite, makeParams, schedule, trajectory } from './_aliasSuite'

const custom = { b1: 0.8, b2: 0.99, eps: 1e-6, epsRoot: 1e-10 }
const mask = { w: true, b: false }

aliasSuite('adamw', [
  {
    label: 'defaults (weightDecay 1e-4)',
    alias: (lr) => adamw(lr),
    reference: (lr) => chain(scaleByAdam(), addDecayedWeights({ weightDecay: 1e-4 }), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options, weightDecay 0.1',
    alias: (lr) => adamw(lr, { ...custom, weightDecay: 0.1 }),
    reference: (lr) => chain(scaleByAdam(custom), addDecayedWeights(0.1), scaleByLearningRate(lr)),
  },
  {
    label: 'masked weight decay',
    alias: (lr) => adamw(lr, { weightDecay: 0.1, mask }),
    reference: (lr) => chain(scaleByAdam(), addDecayedWeights({ weightDecay: 0.1, mask }), scaleByLearningRate(lr)),
  },
  {
    label: 'weight-decay schedule',
    alias: (lr) => adamw(lr, { weightDecay: schedule(0.1) }),
    reference: (lr) => chain(scaleByAdam(), addDecayedWeights(schedule(0.1)), scaleByLearningRate(lr)),
  },
  {
    label: 'nesterov',
    alias: (lr) => adamw(lr, { nesterov: true, weightDecay: 0.01 }),
    reference: (lr) => chain(scaleByAdam({ nesterov: true }), addDecayedWeights(0.01), scaleByLearningRate(lr)),
  },
])

aliasSuite('nadamw', [
  {
    label: 'defaults',
    alias: (lr) => nadamw(lr),
    reference: (lr) => chain(scaleByAdam({ nesterov: true }), addDecayedWeights(1e-4), scaleByLearningRate(lr)),
  },
  {
    label: 'custom options',
    alias: (lr) => nadamw(lr, { ...custom, weightDecay: 0.05 }),
    reference: (lr) =>
      chain(scaleByAdam({ ...custom, nesterov: true }), addDecayedWeights(0.05), scaleByLearningRate(lr)),
  },
])

describe('adamw / nadamw', () => {
  it('nadamw equals adamw with nesterov', () => {
    for (const lr of [0.01, schedule(0.01)]) {
      const expected = trajectory(adamw(lr, { nesterov: true, weightDecay: 0.1 }), makeParams(), 5)
      expectTreesEqual(trajectory(nadamw(lr, { weightDecay: 0.1 }), makeParams(), 5), expected)
      expectTreesEqual(trajectory(nadamw(lr, { weightDecay: 0.1, nesterov: false }), makeParams(), 5), expected)
    }
  })

  it('adds −lr·λ·θ to the Adam step: the difference from adam is exactly the decay at step one', () => {
    // Same gradients, same Adam moments; u_adamw − u_adam = −lr·λ·θ.
    const params = { w: tensor([2, -4], 'float64') }
    const g = { w: tensor([1, 1], 'float64') }
    const [ua] = adam(0.1).update(g, adam(0.1).init(params), params)
    const [uw] = adamw(0.1, { weightDecay: 0.5 }).update(g, adamw(0.1).init(params), params)
    const d = Array.from(uw.w.data, (x, i) => x - ua.w.data[i]!)
    expect(d[0]).toBeCloseTo(-0.1 * 0.5 * 2, 14)
    expect(d[1]).toBeCloseTo(-0.1 * 0.5 * -4, 14)
  })

  it('weightDecay 0 equals adam (the literal 0 is skipped)', () => {
    const a = trajectory(adam(0.05), makeParams(), 4)
    const w = trajectory(adamw(0.05, { weightDecay: 0 }), makeParams(), 4)
    expectTreesEqual(
      w.steps.map((s) => s.updates),
      a.steps.map((s) => s.updates),
    )
  })

  it('needs the params', () => {
    const tx = adamw(0.1)
    expect(() => tx.update([1], tx.init([0]))).toThrow(/params/)
  })

  it('rejects invalid hyperparameters at construction', () => {
    expect(() => adamw(0.1, { b1: 1.2 })).toThrow('scaleByAdam options.b1 must be in [0, 1); got 1.2')
    expect(() => adamw(0.1, { weightDecay: Number.NaN })).toThrow(HyperparameterError)
    expect(() => nadamw(Number.NaN)).toThrow(/learningRate/)
  })

  it('has the state type of its chain', () => {
    expectTypeOf(adamw(0.1)).toEqualTypeOf<GradientTransformation<AdamWState>>()
    expectTypeOf(nadamw).toEqualTypeOf(adamw)
    const hand = (lr: ScalarOrSchedule) => chain(scaleByAdam(), addDecayedWeights(1e-4), scaleByLearningRate(lr))
    expectTypeOf<StateOf<ReturnType<typeof hand>>>().toEqualTypeOf<AdamWState>()
  })
})
