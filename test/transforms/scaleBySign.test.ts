import { describe, expect, it } from 'vitest'
import { scaleBySign, tensor } from '../../src/index'
import { values } from '../_helpers/assertions'
import { describeContract } from './_sequences'

describe('scaleBySign', () => {
  it('maps each element to −1, 0 or +1, whatever its size, and keeps number leaves as numbers', () => {
    const tx = scaleBySign()
    const g = { w: tensor([1e-30, -1e30, 0, 0.5, -2]), s: -3, z: 0 }
    const [u, state] = tx.update(g, tx.init(g))
    expect(values(u.w)).toEqual([1, -1, 0, 1, -1])
    expect([u.s, u.z]).toEqual([-1, 0])
    expect(state).toEqual({})
  })

  it('is stateless: the same gradient always gives the same update', () => {
    const tx = scaleBySign()
    const s0 = tx.init([0])
    const [, s1] = tx.update([5], s0)
    expect(tx.update([-5], s1)[0]).toEqual([-1])
    expect(s1).toBe(s0)
  })

  it('NaN stays NaN (it is not hidden as 0)', () => {
    expect(Number.isNaN(scaleBySign().update([NaN], {})[0][0])).toBe(true)
  })

  describeContract(() => scaleBySign())
})
