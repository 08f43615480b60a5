import { describe, expect, it } from 'vitest'
import { tensor, zeroNans } from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

describe('zeroNans', () => {
  it('zeros NaNs, keeps infinities and records per-leaf flags for the last step only', () => {
    const tx = zeroNans()
    const params = { a: tensor([0, 0]), b: tensor([0]), n: 0 }
    const s0 = tx.init(params)
    expect(s0).toEqual({ foundNan: { a: 0, b: 0, n: 0 } })
    const [u1, s1] = tx.update({ a: tensor([NaN, -Infinity]), b: tensor([2]), n: NaN }, s0)
    expect(u1.a.toArray()).toEqual([0, -Infinity])
    expect(u1.b.toArray()).toEqual([2])
    expect(u1.n).toBe(0)
    expect(s1).toEqual({ foundNan: { a: 1, b: 0, n: 1 } })
    const [u2, s2] = tx.update({ a: tensor([1, -1]), b: tensor([NaN]), n: 1e30 }, s1)
    expect(u2.a.toArray()).toEqual([1, -1])
    expect(u2.n).toBe(1e30)
    expect(s2).toEqual({ foundNan: { a: 0, b: 1, n: 0 } })
  })

  it('keeps dtype and leaves inputs alone', () => {
    const g = { w: tensor([NaN, 1], 'float64') }
    const s = zeroNans().init({ w: tensor([0, 0], 'float64') }) // the params: finite (NaN params are refused)
    const [u] = expectInputsUnchanged(() => zeroNans().update(g, s), g, s)
    expect(u.w.dtype).toBe('float64')
    expect(u.w.toArray()).toEqual([0, 1])
  })
})
