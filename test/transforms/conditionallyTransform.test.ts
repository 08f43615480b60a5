import { pipe } from 'fp-ts/function'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, applyEvery, conditionallyMask, conditionallyTransform, trace } from '../../src/index'

describe('conditionallyTransform / conditionallyMask / applyEvery', () => {
  it('pass through (transform) or zero (mask) the updates and keep the inner state when the condition is false', () => {
    const even = (step: number) => step % 2 === 0
    const ct = conditionallyTransform(trace(1), even)
    const cm = pipe(trace(1), conditionallyMask(even))
    let [a, b] = [ct.init([0]), cm.init([0])]
    const outs: number[][] = []
    for (const g of [1, 2, 3, 4]) {
      const [ua, na] = ct.update([g], a)
      const [ub, nb] = cm.update([g], b)
      outs.push([ua[0] as number, ub[0] as number])
      a = na
      b = nb
    }
    // trace(1) sums the gradients it sees: steps 0 and 2 see 1 and 3.
    expect(outs).toEqual([
      [1, 1],
      [2, 0],
      [4, 4],
      [4, 0],
    ])
    expect([a.step, b.step, a.innerState, b.innerState]).toEqual([4, 4, { trace: [4] }, { trace: [4] }])
  })
  it('forwardExtraArgs passes extra to the condition; validates', () => {
    const tx = conditionallyMask(trace(0), (_s, extra) => (extra?.value ?? 0) > 1, { forwardExtraArgs: true })
    expect(tx.update([5], tx.init([0]), undefined, { value: 2 })[0]).toEqual([5])
    expect(tx.update([5], tx.init([0]), undefined, { value: 0 })[0]).toEqual([0])
    expect(() => conditionallyTransform(trace(0), 1 as never)).toThrow(HyperparameterError)
  })
  it('applyEvery(k) emits the sum every k steps', () => {
    const tx = applyEvery(3)
    let s = tx.init([0])
    const out: unknown[] = []
    for (const g of [1, 2, 3, 4, 5, 6]) {
      const [u, n] = tx.update([g], s)
      out.push(u[0])
      s = n
    }
    expect(out).toEqual([0, 0, 6, 0, 0, 15])
    expect(() => applyEvery(0)).toThrow(HyperparameterError)
  })
})
