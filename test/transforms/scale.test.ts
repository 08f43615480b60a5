import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, chain, scale, tensor, tree } from '../../src/index'
import { pyTree as arbPyTree } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesClose, expectTreesEqual, values } from '../_helpers/assertions'

describe('scale', () => {
  it('multiplies every update by stepSize at every step, with no state (golden, 3 steps)', () => {
    // u = −0.5·g: [2, −4] → [−1, 2]; [0.5, 8] → [−0.25, −4]; [−6, 1] → [3, −0.5]
    const tx = scale(-0.5)
    let state = tx.init({ w: tensor([0, 0], 'float64'), b: 0 })
    expect(state).toEqual({})
    const steps: [number[], number, number[], number][] = [
      [[2, -4], 1, [-1, 2], -0.5],
      [[0.5, 8], -2, [-0.25, -4], 1],
      [[-6, 1], 10, [3, -0.5], -5],
    ]
    for (const [g, b, uw, ub] of steps) {
      const [u, s] = tx.update({ w: tensor(g, 'float64'), b }, state)
      expect(values(u.w)).toEqual(uw)
      expect(u.b).toBe(ub)
      expect(s).toEqual({})
      state = s
    }
  })

  it('accepts the options form', () => {
    const tx = scale({ stepSize: 3 })
    expect(tx.update([1, [2]], tx.init([0, [0]]))[0]).toEqual([3, [6]])
  })

  it('keeps zeros zero and huge finite gradients finite', () => {
    const tx = scale(0.5)
    expect(values(tx.update(tensor([0, 0]), {})[0])).toEqual([0, 0])
    expect(values(tx.update(tensor([3e38, -3e38]), {})[0])).toEqual([Math.fround(1.5e38), Math.fround(-1.5e38)])
    expect(values(tx.update(tensor([1e300], 'float64'), {})[0])).toEqual([5e299])
  })

  it('keeps the dtype of the updates', () => {
    const tx = scale(0.1)
    const u32 = tx.update(tensor([1, 2], 'float32'), {})[0]
    const u64 = tx.update(tensor([1, 2], 'float64'), {})[0]
    expect(u32.dtype).toBe('float32')
    expect(values(u32)).toEqual([Math.fround(0.1), Math.fround(0.2)])
    expect(u64.dtype).toBe('float64')
    expect(values(u64)).toEqual([0.1, 0.2])
  })

  it('does not modify its inputs', () => {
    const g = { w: tensor([1, 2, 3]), s: 4 }
    const tx = scale(2)
    const state = tx.init(g)
    expectInputsUnchanged(() => tx.update(g, state, g), g, state)
  })

  it('rejects a step size that is not a finite number', () => {
    expect(() => scale(NaN)).toThrow(HyperparameterError)
    expect(() => scale(NaN)).toThrow('scale stepSize must be in (-Infinity, Infinity); got NaN')
    expect(() => scale(Infinity)).toThrow('scale stepSize must be in (-Infinity, Infinity); got Infinity')
    expect(() => scale({ stepSize: '1' as never })).toThrow(
      'scale options.stepSize must be in (-Infinity, Infinity); got "1"',
    )
    expect(() => scale({} as never)).toThrow('scale options.stepSize must be in (-Infinity, Infinity); got undefined')
  })

  const factor = fc.oneof(
    fc.constant(0),
    fc.double({ min: 1e-3, max: 10, noNaN: true }),
    fc.double({ min: -10, max: -1e-3, noNaN: true }),
  )

  test.prop([factor, factor, arbPyTree()])('chain(scale(a), scale(b)) ≡ scale(a·b)', (a, b, g) => {
    const ab = chain(scale(a), scale(b))
    const [u1] = ab.update(g, ab.init(g))
    const [u2] = scale(a * b).update(g, {})
    // float32 leaves round once more in the chain: a relative difference of a few ulps.
    expectTreesClose(u1, u2, { rtol: 1e-6, atol: 1e-30 })
  })

  test.prop([arbPyTree()])('scale(1) is the identity', (g) => {
    expectTreesEqual(scale(1).update(g, {})[0], g)
  })

  it('works on trees with null subtrees', () => {
    expect(scale(2).update({ a: null, b: [1, null] }, {})[0]).toEqual({ a: null, b: [2, null] })
    expect(tree.leaves(scale(2).update(null, {})[0])).toEqual([])
  })
})
