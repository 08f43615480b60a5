import { describe, expect, it } from 'vitest'
import { HyperparameterError, applyUpdates, lookahead, lookaheadParams, sgd, trace } from '../../src/index'

describe('lookahead', () => {
  it('matches the hand computation: k fast sgd steps, then slow ← slow + α(fast − slow), fast ← slow', () => {
    // f(x) = x²/2, g = x; sgd(0.5): x ← x/2. k = 3, α = 0.5, x₀ = 8.
    const tx = lookahead(sgd(0.5), { syncPeriod: 3, slowStepSize: 0.5 })
    let p = lookaheadParams([8])
    let s = tx.init(p)
    const trail: number[][] = []
    for (let t = 0; t < 6; t++) {
      const [u, n] = tx.update([p.fast[0]!], s, p as never)
      p = applyUpdates(p, u as never)
      s = n
      trail.push([p.fast[0]!, p.slow[0]!])
    }
    // fast 4, 2, (1 → sync: slow = 8 + 0.5(1 − 8) = 4.5, fast = 4.5), 2.25, 1.125, (0.5625 → slow = 4.5 + 0.5(0.5625 − 4.5))
    expect(trail).toEqual([
      [4, 8],
      [2, 8],
      [4.5, 4.5],
      [2.25, 4.5],
      [1.125, 4.5],
      [2.53125, 2.53125],
    ])
  })
  it('resetState re-initialises the fast state at a sync; init accepts plain params; validates', () => {
    const tx = lookahead(trace(0.9), { syncPeriod: 2, slowStepSize: 1, resetState: true })
    const p = lookaheadParams([0])
    let s = tx.init(p)
    s = tx.update([1], s, p as never)[1]
    expect(s.fastState).toEqual({ trace: [1] })
    s = tx.update([1], s, p as never)[1]
    expect(s.fastState).toEqual({ trace: [0] })
    expect(tx.init([0])).toEqual({ fastState: { trace: [0] }, stepsSinceSync: 0 })
    expect(() => lookahead(sgd(1), { syncPeriod: 0, slowStepSize: 0.5 })).toThrow(HyperparameterError)
  })
})
