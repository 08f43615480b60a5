import { describe, expect, it } from 'vitest'
import { HyperparameterError, chain, scale, snapshot, tensor, tree } from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'
import * as O from 'fp-ts/Option'

describe('snapshot', () => {
  it('stores measure(params) at init and measure(updates) at each step, leaving updates unchanged', () => {
    const tx = chain(
      scale(2),
      snapshot('norm', (u) => tree.norm(u)),
      scale(-1),
    )
    let state = tx.init([3, 4])
    expect(state[1]).toEqual({ measurement: { norm: 5 } })
    for (const [g, n] of [
      [[1, 0], 2],
      [[0, -6], 12],
    ] as const) {
      const [u, s] = tx.update([...g], state)
      expect(u).toEqual(g.map((x) => -2 * x))
      expect(s[1].measurement.norm).toBe(n)
      expect(tree.get(s as never, [1, 'measurement', 'norm'])).toEqual(O.some(n))
      state = s
    }
  })

  it('returns the same updates object and accepts an options object', () => {
    const tx = snapshot({ measureName: 'copy', measure: (u) => u })
    const g = { w: tensor([1, 2]) }
    const [u, s] = expectInputsUnchanged(() => tx.update(g, tx.init(g)), g)
    expect(u).toBe(g)
    expect(s.measurement.copy).toBe(g)
  })

  it('rejects invalid arguments', () => {
    expect(() => snapshot('', (u) => u)).toThrow('snapshot measureName must be a non-empty string; got ')
    expect(() => snapshot('x', 1 as never)).toThrow('snapshot measure must be a function (updates) => pytree; got 1')
    expect(() => snapshot({ measureName: 'x' } as never)).toThrow(HyperparameterError)
  })
})
