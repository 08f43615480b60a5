import { describe, expect, it } from 'vitest'
import { HyperparameterError, constantSchedule, exponentialDecay, linearSchedule, perEpoch } from '../../src/index'

describe('perEpoch', () => {
  // The repro: "×0.1 every 30 epochs" (PyTorch StepLR(step_size=30, gamma=0.1), stepped per epoch), written
  // as a staircase exponentialDecay, with 50 batches per epoch. At epoch 35 PyTorch's LR is 0.06·0.1 = 6e-3.
  const stepLR = exponentialDecay({ initValue: 0.06, transitionSteps: 30, decayRate: 0.1, staircase: true })
  const stepsPerEpoch = 50
  const step = 35 * stepsPerEpoch + 7 // a step in epoch 35

  it('repro: the schedule counts steps, so the decay happens every 30 batches', () => {
    expect(stepLR(step)).toBeLessThan(1e-50) // 0.06·0.1^⌊1757/30⌋ = 6e-60: nothing trains
  })

  it('fix: perEpoch(schedule, stepsPerEpoch) counts epochs, as PyTorch users expect', () => {
    const lr = perEpoch(stepLR, stepsPerEpoch)
    expect(lr(step)).toBeCloseTo(6e-3, 15)
    expect(lr(0)).toBe(0.06)
    expect(lr(30 * stepsPerEpoch - 1)).toBe(0.06) // the last step of epoch 29
    expect(lr(30 * stepsPerEpoch)).toBeCloseTo(6e-3, 15)
    // the same as scaling transitionSteps by the steps per epoch, for a staircase
    const scaled = exponentialDecay({
      initValue: 0.06,
      transitionSteps: 30 * stepsPerEpoch,
      decayRate: 0.1,
      staircase: true,
    })
    for (const t of [0, 1499, 1500, 1757, 4499, 4500]) expect(lr(t)).toBe(scaled(t))
    // the options form
    expect(perEpoch(stepLR, { stepsPerEpoch })(step)).toBe(lr(step))
  })

  it('holds a continuous schedule constant within an epoch', () => {
    const lr = perEpoch(linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 10 }), 4)
    expect([0, 3, 4, 7, 8].map(lr)).toEqual([1, 1, 0.9, 0.9, 0.8])
  })

  it('rejects a missing schedule and a non-integer or zero stepsPerEpoch, naming the argument', () => {
    expect(() => perEpoch(0.1 as never, 10)).toThrow(/perEpoch schedule must be a function/)
    expect(() => perEpoch(constantSchedule(1), 0)).toThrow(HyperparameterError)
    expect(() => perEpoch(constantSchedule(1), 0)).toThrow(/perEpoch stepsPerEpoch must be in \[1, Infinity\); got 0/)
    expect(() => perEpoch(constantSchedule(1), { stepsPerEpoch: 2.5 })).toThrow(
      /options\.stepsPerEpoch must be an integer/,
    )
  })
})
