import { describe, expect, it } from 'vitest'
import { HyperparameterError, chain, ema, monitor, scale, tensor, tree } from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

describe('monitor', () => {
  it('records function and stateful transform measures; updates pass unchanged', () => {
    // ema(0.5, debias false) of the updates: m₁ = 0.5·g₁, m₂ = 0.5·m₁ + 0.5·g₂.
    const tx = chain(monitor({ norm: (u) => tree.norm(u), avg: ema(0.5, { debias: false }) }), scale(-1))
    let state = tx.init([0, 2])
    // init: measures applied to the params; the ema's own state stays at its init.
    expect(state[0].measurements).toEqual({ norm: 2, avg: [0, 1] })
    expect(state[0].measureStates).toEqual({ norm: {}, avg: { count: 0, ema: [0, 0] } })
    const [u1, s1] = tx.update([4, 0], state)
    expect(u1).toEqual([-4, -0])
    expect(s1[0].measurements).toEqual({ norm: 4, avg: [2, 0] })
    const [, s2] = tx.update([0, 3], s1)
    expect(s2[0].measurements).toEqual({ norm: 3, avg: [1, 1.5] })
    expect(s2[0].measureStates).toEqual({ norm: {}, avg: { count: 2, ema: [1, 1.5] } })
    state = s2
    expect(tree.equalStructure(state as never, tx.init([0, 2]) as never)).toBe(true)
  })

  it('leaves inputs alone and returns the same updates', () => {
    const tx = monitor({ max: (u) => tree.max(u) })
    const g = { w: tensor([1, -5]) }
    const s = tx.init(g)
    const [u] = expectInputsUnchanged(() => tx.update(g, s), g, s)
    expect(u).toBe(g)
  })

  it('rejects invalid measures', () => {
    expect(() => monitor({})).toThrow(HyperparameterError)
    expect(() => monitor({ x: 1 as never })).toThrow(
      'monitor measures.x must be a function (updates) => pytree or a GradientTransformation',
    )
  })
})
