import { describe, expect, it } from 'vitest'
import { HyperparameterError, scaleBySchedule, tensor } from '../../src/index'
import { expectInputsUnchanged, values } from '../_helpers/assertions'

describe('scaleBySchedule', () => {
  it('uses stepSizeFn(count) with the count before the increment, starting at 0 (golden, 3 steps)', () => {
    // stepSizeFn(c) = 1/(c+1): steps see c = 0, 1, 2 → factors 1, 1/2, 1/3; g = 6 → 6, 3, 2
    const seen: number[] = []
    const tx = scaleBySchedule((c) => (seen.push(c), 1 / (c + 1)))
    let state = tx.init({ w: tensor([0], 'float64') })
    expect(state).toEqual({ count: 0 })
    const out: number[] = []
    for (let i = 0; i < 3; i++) {
      const [u, s] = tx.update({ w: tensor([6], 'float64') }, state)
      out.push(values(u.w)[0]!)
      state = s
    }
    expect(seen).toEqual([0, 1, 2])
    expect(out).toEqual([6, 3, 2])
    expect(state).toEqual({ count: 3 })
  })

  it('accepts the options form', () => {
    const tx = scaleBySchedule({ stepSizeFn: (c) => c + 2 })
    const [u, s] = tx.update([1, 2], tx.init([0, 0]))
    expect([u, s]).toEqual([[2, 4], { count: 1 }])
  })

  it('maps zero gradients to zeros and keeps huge gradients finite', () => {
    const tx = scaleBySchedule(() => 0.5)
    expect(values(tx.update(tensor([0, -0]), tx.init(null))[0])).toEqual([0, -0])
    expect(values(tx.update(tensor([3e38]), tx.init(null))[0])).toEqual([Math.fround(1.5e38)])
  })

  it('keeps the dtype of the updates (the schedule value is a float64 on the host)', () => {
    const tx = scaleBySchedule(() => 0.1)
    const u32 = tx.update(tensor([3]), tx.init(null))[0]
    const u64 = tx.update(tensor([3], 'float64'), tx.init(null))[0]
    expect([u32.dtype, values(u32)]).toEqual(['float32', [Math.fround(0.1 * 3)]])
    expect([u64.dtype, values(u64)]).toEqual(['float64', [0.1 * 3]])
  })

  it('does not modify its inputs', () => {
    const tx = scaleBySchedule(() => 2)
    const g = { w: tensor([1, 2]) }
    const state = tx.init(g)
    const [, next] = expectInputsUnchanged(() => tx.update(g, state), g, state)
    expect(state).toEqual({ count: 0 })
    expect(next).toEqual({ count: 1 })
  })

  it('rejects a step size that is not a function', () => {
    expect(() => scaleBySchedule(0.1 as never)).toThrow(HyperparameterError)
    expect(() => scaleBySchedule(0.1 as never)).toThrow(
      'scaleBySchedule stepSizeFn must be a schedule (count) => number; got 0.1',
    )
    expect(() => scaleBySchedule({} as never)).toThrow(
      'scaleBySchedule options.stepSizeFn must be a schedule (count) => number; got undefined',
    )
  })
})
