import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  type EmptyState,
  type GradientTransformation,
  HyperparameterError,
  type ScalarOrSchedule,
  type ScaleByLearningRateState,
  type ScaleByScheduleState,
  scaleByLearningRate,
  tensor,
} from '../../src/index'
import { expectInputsUnchanged, values } from '../_helpers/assertions'

describe('scaleByLearningRate', () => {
  it('multiplies by −lr for a constant learning rate, with an empty state (golden, 3 steps)', () => {
    // u = −0.25·g: 4 → −1, −8 → 2, 1 → −0.25
    const tx = scaleByLearningRate(0.25)
    let state = tx.init([tensor([0], 'float64')])
    const out: number[] = []
    for (const g of [4, -8, 1]) {
      const [u, s] = tx.update([tensor([g], 'float64')], state)
      out.push(values(u[0]!)[0]!)
      state = s
    }
    expect(out).toEqual([-1, 2, -0.25])
    expect(state).toEqual({})
  })

  it('multiplies by +lr when flipSign is false', () => {
    const tx = scaleByLearningRate(0.25, { flipSign: false })
    expect(tx.update([4, -8], tx.init([0, 0]))[0]).toEqual([1, -2])
  })

  it('evaluates a schedule at count 0 first, then 1, 2 (golden, 3 steps)', () => {
    // lr(c) = c + 1 → 1, 2, 3; g = 2 → −2, −4, −6
    const seen: number[] = []
    const tx = scaleByLearningRate((c) => (seen.push(c), c + 1))
    let state = tx.init([0])
    expect(state).toEqual({ count: 0 })
    const out: number[] = []
    for (let i = 0; i < 3; i++) {
      const [u, s] = tx.update([2], state)
      out.push(u[0]!)
      state = s
    }
    expect(seen).toEqual([0, 1, 2])
    expect(out).toEqual([-2, -4, -6])
    expect(state).toEqual({ count: 3 })
    const up = scaleByLearningRate((c) => c + 1, { flipSign: false })
    expect(up.update([2], up.init([0]))[0]).toEqual([2])
  })

  it('maps zero gradients to zeros and keeps huge gradients finite', () => {
    const tx = scaleByLearningRate(0.5)
    expect(values(tx.update(tensor([0]), {})[0])).toEqual([-0])
    expect(values(tx.update(tensor([3e38]), {})[0])).toEqual([Math.fround(-1.5e38)])
  })

  it('keeps the dtype of the updates', () => {
    const tx = scaleByLearningRate(0.1)
    expect(tx.update(tensor([1]), {})[0].dtype).toBe('float32')
    expect(values(tx.update(tensor([1]), {})[0])).toEqual([Math.fround(-0.1)])
    expect(tx.update(tensor([1], 'float64'), {})[0].dtype).toBe('float64')
  })

  it('does not modify its inputs', () => {
    const tx = scaleByLearningRate((c) => 1 / (c + 1))
    const g = { w: tensor([1, 2]) }
    const state = tx.init(g)
    expectInputsUnchanged(() => tx.update(g, state, g), g, state)
  })

  it('has precise state types: empty for a number, a count for a schedule, the union for either', () => {
    expectTypeOf(scaleByLearningRate(0.1)).toEqualTypeOf<GradientTransformation<EmptyState>>()
    expectTypeOf(scaleByLearningRate((c: number) => c)).toEqualTypeOf<GradientTransformation<ScaleByScheduleState>>()
    const lr: ScalarOrSchedule = 0.1 as ScalarOrSchedule
    expectTypeOf(scaleByLearningRate(lr)).toEqualTypeOf<GradientTransformation<ScaleByLearningRateState>>()
  })

  it('rejects invalid learning rates and options', () => {
    expect(() => scaleByLearningRate(NaN)).toThrow(HyperparameterError)
    expect(() => scaleByLearningRate(NaN)).toThrow(
      'scaleByLearningRate learningRate must be in (-Infinity, Infinity); got NaN',
    )
    expect(() => scaleByLearningRate('0.1' as never)).toThrow(
      'scaleByLearningRate learningRate must be a number or a schedule (count) => number; got "0.1"',
    )
    expect(() => scaleByLearningRate(0.1, { flipSign: 1 as never })).toThrow(
      'scaleByLearningRate options.flipSign must be true or false; got 1',
    )
  })
})

describe('scaleByLearningRate({ learningRate, flipSign }) (optax keywords in one object)', () => {
  it('a number: −α·g, or +α·g with flipSign false', () => {
    const down = scaleByLearningRate({ learningRate: 0.25 })
    expect(down.update([4, -8], down.init([0, 0]))[0]).toEqual([-1, 2])
    const up = scaleByLearningRate({ learningRate: 0.25, flipSign: false })
    expect(up.update([4, -8], up.init([0, 0]))[0]).toEqual([1, -2])
  })
  it('a schedule: −α(count)·g with count from 0', () => {
    const tx = scaleByLearningRate({ learningRate: (c: number) => 1 / (c + 1) })
    const [u0, s1] = tx.update([6], tx.init([0]))
    expect([u0, tx.update([6], s1)[0]]).toEqual([[-6], [-3]])
  })
  it('checks learningRate under its options name', () => {
    expect(() => scaleByLearningRate({ learningRate: NaN })).toThrow(/options\.learningRate/)
    expect(() => scaleByLearningRate({} as never)).toThrow(/options\.learningRate/)
  })
})
