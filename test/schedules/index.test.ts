import { describe, expect, it } from 'vitest'
import * as root from '../../src/index'
import * as schedules from '../../src/schedules/index'

describe('schedules barrel', () => {
  it('lists every schedule by name, and src/index.ts re-exports the same functions', () => {
    expect(Object.keys(schedules).sort()).toEqual([
      'constantSchedule',
      'cosineDecaySchedule',
      'cosineOnecycleSchedule',
      'exponentialDecay',
      'joinSchedules',
      'linearOnecycleSchedule',
      'linearSchedule',
      'perEpoch',
      'piecewiseConstantSchedule',
      'piecewiseInterpolateSchedule',
      'polynomialSchedule',
      'sgdrSchedule',
      'warmupConstantSchedule',
      'warmupCosineDecaySchedule',
      'warmupExponentialDecaySchedule',
      'wrappedSchedule',
    ])
    for (const [name, f] of Object.entries(schedules)) expect((root as Record<string, unknown>)[name]).toBe(f)
  })
})
