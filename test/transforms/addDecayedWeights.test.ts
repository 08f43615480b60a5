import { test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  HyperparameterError,
  type PyTree,
  StructureError,
  addDecayedWeights,
  addDecoupledWeightDecay,
  chain,
  scale,
  tensor,
  tree,
} from '../../src/index'
import { treePair as arbTreePair } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesClose, expectTreesEqual, values } from '../_helpers/assertions'

describe('addDecayedWeights', () => {
  it('adds wd·params to the updates at every step (golden, 3 steps)', () => {
    // wd = 0.1: u = g + 0.1·p.  (g, p) = (1, 10) → 2; (−1, −20) → −3; (0.5, 5) → 1
    const tx = addDecayedWeights(0.1)
    let state = tx.init([tensor([0], 'float64')])
    expect(state).toEqual({})
    const steps: [number, number, number][] = [
      [1, 10, 2],
      [-1, -20, -3],
      [0.5, 5, 1],
    ]
    for (const [g, p, expected] of steps) {
      const [u, s] = tx.update([tensor([g], 'float64')], state, [tensor([p], 'float64')])
      expect(values(u[0]!)[0]).toBeCloseTo(expected, 14)
      state = s
    }
  })

  it('evaluates a schedule weight decay at its own count, from 0 (golden, 3 steps)', () => {
    // wd(c) = 0.1·(c + 1) → 0.1, 0.2, 0.3; g = 1, p = 10 → 2, 3, 4
    const seen: number[] = []
    const tx = addDecayedWeights((c) => (seen.push(c), 0.1 * (c + 1)))
    let state = tx.init([10])
    expect(state).toEqual({ count: 0 })
    const out: number[] = []
    for (let i = 0; i < 3; i++) {
      const [u, s] = tx.update([1], state, [10])
      out.push(u[0]!)
      state = s
    }
    expect(seen).toEqual([0, 1, 2])
    out.forEach((u, i) => expect(u).toBeCloseTo([2, 3, 4][i]!, 14))
    expect(state).toEqual({ count: 3 })
  })

  it('accepts the options form, defaulting to 0', () => {
    const tx = addDecayedWeights({ weightDecay: 0.5 })
    expect(tx.update([1], tx.init([4]), [4])[0]).toEqual([3])
    const none = addDecayedWeights()
    expect(none.update([1], none.init([4]), [4])[0]).toEqual([1])
  })

  it('with a mask decays only the selected params and keeps a masked state', () => {
    const params = { w: tensor([10, -20], 'float64'), b: tensor([10], 'float64') }
    const tx = addDecayedWeights({ weightDecay: 0.5, mask: { w: true, b: false } })
    const state = tx.init(params)
    expect(state).toEqual({ innerState: {} })
    const [u] = tx.update({ w: tensor([1, 1], 'float64'), b: tensor([1], 'float64') }, state, params)
    expect([values(u.w), values(u.b)]).toEqual([[6, -9], [1]])
    const fn = addDecayedWeights({ weightDecay: (c) => c + 1, mask: (p: PyTree) => ({ w: true, b: p === null }) })
    const [u2, s2] = fn.update({ w: 1, b: 1 }, fn.init({ w: 2, b: 2 }), { w: 2, b: 2 })
    expect([u2, s2]).toEqual([{ w: 3, b: 1 }, { innerState: { count: 1 } }])
  })

  it('treats mask: null and mask: undefined as no mask', () => {
    const tx = addDecayedWeights({ weightDecay: 1, mask: null })
    expect(tx.update([1], tx.init([1]), [1])).toEqual([[2], {}])
    const tx2 = addDecayedWeights({ weightDecay: 1, mask: undefined })
    expect(tx2.update([1], tx2.init([1]), [1])).toEqual([[2], {}])
  })

  test.prop([arbTreePair()])('addDecayedWeights(0) is the identity', ([g, p]) => {
    const tx = addDecayedWeights(0)
    expectTreesEqual(tx.update(g, tx.init(p), p)[0], g)
  })

  test.prop([arbTreePair()])('equals g + wd·p on any tree', ([g, p]) => {
    const tx = addDecayedWeights(0.25)
    expectTreesClose(tx.update(g, tx.init(p), p)[0], tree.addScale(g, 0.25, p), { rtol: 1e-15, atol: 0 })
  })

  it('maps zero gradients and zero params to zeros, and handles huge values', () => {
    const tx = addDecayedWeights(0.5)
    expect(values(tx.update(tensor([0]), {}, tensor([0]))[0])).toEqual([0])
    expect(values(tx.update(tensor([0]), {}, tensor([4e38 / 2]))[0])).toEqual([Math.fround(0.5 * Math.fround(2e38))])
    expect(values(tx.update(tensor([1e300], 'float64'), {}, tensor([1e300], 'float64'))[0])).toEqual([1.5e300])
  })

  it('keeps float32 updates float32 (with float32 params) and promotes to float64 like NumPy', () => {
    const tx = addDecayedWeights(0.1)
    const u32 = tx.update(tensor([1]), {}, tensor([1]))[0]
    expect([u32.dtype, values(u32)]).toEqual(['float32', [Math.fround(1 + 0.1 * 1)]])
    expect(tx.update(tensor([1], 'float64'), {}, tensor([1], 'float64'))[0].dtype).toBe('float64')
  })

  it('throws a DescentError saying to pass params when update gets none', () => {
    const tx = addDecayedWeights(0.1)
    expect(() => tx.update([1], tx.init([1]))).toThrow(DescentError)
    expect(() => tx.update([1], tx.init([1]))).toThrow(
      /addDecayedWeights needs the params: call update\(updates, state, params\)/,
    )
    // Also with a zero rate (as in optax), and inside a chain.
    expect(() => addDecayedWeights(0).update([1], {})).toThrow(/needs the params/)
    const c = chain(addDecayedWeights(0.1), scale(-1))
    expect(() => c.update([1], c.init([1]))).toThrow(/needs the params/)
  })

  it('names the path when updates and params do not match', () => {
    const tx = addDecayedWeights(0.1)
    expect(() => tx.update({ w: tensor([1, 2]) }, {}, { w: tensor([1, 2, 3]) })).toThrow(/updates\.w/)
    expect(() => tx.update({ w: 1 }, {}, { v: 1 })).toThrow(StructureError)
  })

  it('does not modify its inputs', () => {
    const tx = addDecayedWeights({ weightDecay: 0.1, mask: { w: true, b: false } })
    const g = { w: tensor([1, 2]), b: tensor([3]) }
    const p = { w: tensor([4, 5]), b: tensor([6]) }
    const state = tx.init(p)
    expectInputsUnchanged(() => tx.update(g, state, p), g, p, state)
  })

  it('rejects invalid options', () => {
    expect(() => addDecayedWeights(NaN)).toThrow(HyperparameterError)
    expect(() => addDecayedWeights(NaN)).toThrow(
      'addDecayedWeights weightDecay must be in (-Infinity, Infinity); got NaN',
    )
    expect(() => addDecayedWeights({ weightDecay: 'x' as never })).toThrow(
      'addDecayedWeights options.weightDecay must be a number or a schedule (count) => number; got "x"',
    )
    expect(() => addDecayedWeights({ weightDecay: 1, mask: { w: 1 } as never })).toThrow(
      /options\.mask\.w must be a boolean; got 1/,
    )
  })

  it('is exported as addDecoupledWeightDecay too', () => {
    expect(addDecoupledWeightDecay).toBe(addDecayedWeights)
  })
})
