import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, clip, tensor, tree } from '../../src/index'
import { pyTree as arbPyTree } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesEqual, values } from '../_helpers/assertions'

describe('clip', () => {
  it('clips every element to [−maxDelta, maxDelta] at every step, with no state (golden, 3 steps)', () => {
    // maxDelta = 1.5: elements inside stay, outside go to ±1.5
    const tx = clip(1.5)
    let state = tx.init({ w: tensor([0, 0, 0], 'float64') })
    const steps: [number[], number[]][] = [
      [
        [-3, 0.5, 2],
        [-1.5, 0.5, 1.5],
      ],
      [
        [1.5, -1.5, 1.25],
        [1.5, -1.5, 1.25],
      ],
      [
        [100, -0.75, -2],
        [1.5, -0.75, -1.5],
      ],
    ]
    for (const [g, expected] of steps) {
      const [u, s] = tx.update({ w: tensor(g, 'float64') }, state)
      expect(values(u.w)).toEqual(expected)
      expect(s).toEqual({})
      state = s
    }
  })

  it('accepts the options form and number leaves', () => {
    const tx = clip({ maxDelta: 2 })
    expect(tx.update({ a: -5, b: [1, 7] }, tx.init({ a: 0, b: [0, 0] }))[0]).toEqual({ a: -2, b: [1, 2] })
  })

  it('maps zeros to zeros, huge gradients to ±maxDelta, keeps NaN, and maxDelta 0 zeroes everything', () => {
    expect(values(clip(1).update(tensor([0, 0]), {})[0])).toEqual([0, 0])
    expect(values(clip(1).update(tensor([3e38, -3e38]), {})[0])).toEqual([1, -1])
    expect(values(clip(1).update(tensor([1e300, -Infinity], 'float64'), {})[0])).toEqual([1, -1])
    expect(values(clip(1).update(tensor([NaN]), {})[0])).toEqual([NaN])
    expect(values(clip(0).update(tensor([3, -2]), {})[0])).toEqual([0, -0])
  })

  it('keeps the dtype of the updates', () => {
    expect(clip(0.1).update(tensor([1]), {})[0].dtype).toBe('float32')
    expect(values(clip(0.1).update(tensor([1]), {})[0])).toEqual([Math.fround(0.1)])
    expect(clip(0.1).update(tensor([1], 'float64'), {})[0].dtype).toBe('float64')
  })

  it('does not modify its inputs', () => {
    const g = { w: tensor([5, -5, 0.5]) }
    expectInputsUnchanged(() => clip(1).update(g, {}), g)
  })

  it('rejects invalid maxDelta', () => {
    expect(() => clip(-1)).toThrow(HyperparameterError)
    expect(() => clip(-1)).toThrow('clip maxDelta must be in [0, Infinity); got -1')
    expect(() => clip(Infinity)).toThrow('clip maxDelta must be in [0, Infinity); got Infinity')
    expect(() => clip({ maxDelta: NaN })).toThrow('clip options.maxDelta must be in [0, Infinity); got NaN')
  })

  const maxDelta = fc.double({ min: 0, max: 200, noNaN: true })

  test.prop([arbPyTree(), maxDelta])('bounds every element and is idempotent', (g, m) => {
    const tx = clip(m)
    const [u] = tx.update(g, {})
    expect(tree.norm(u, { ord: Infinity })).toBeLessThanOrEqual(Math.max(m, Math.fround(m)))
    expectTreesEqual(tx.update(u, {})[0], u)
  })
})
