import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, type PyTree, ema, tensor, tree } from '../../src/index'
import { pyTree as arbPyTree } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectSameStructure, values } from '../_helpers/assertions'

interface Run {
  readonly updates: number[]
  readonly emas: number[]
  readonly counts: number[]
}

function run(decay: number, debias: boolean, grads: readonly number[]): Run {
  const tx = ema(decay, { debias })
  let state = tx.init(tensor([0], 'float64'))
  const updates: number[] = []
  const emas: number[] = []
  const counts: number[] = []
  for (const g of grads) {
    const [u, s] = tx.update(tensor([g], 'float64'), state)
    updates.push(values(u)[0]!)
    emas.push(values(s.ema as never)[0]!)
    counts.push(s.count)
    state = s
  }
  return { updates, emas, counts }
}

describe('ema', () => {
  it('debiases the returned average but never the stored one (golden, 3 steps)', () => {
    // decay 0.5, g = 4, 2, 8: e₁ = 0.5·4 = 2; e₂ = 0.5·2 + 0.5·2 = 2; e₃ = 0.5·8 + 0.5·2 = 5
    // debiased: 2/(1−0.5) = 4; 2/(1−0.25) = 8/3; 5/(1−0.125) = 40/7
    const { updates, emas, counts } = run(0.5, true, [4, 2, 8])
    expect(emas).toEqual([2, 2, 5])
    expect(counts).toEqual([1, 2, 3])
    updates.forEach((u, i) => expect(u).toBeCloseTo([4, 8 / 3, 40 / 7][i]!, 14))
  })

  it('without debias returns the raw average (golden, 3 steps)', () => {
    // decay 0.9, g = 10, 0, 10: e₁ = 1; e₂ = 0.9; e₃ = 1 + 0.81 = 1.81
    const { updates, emas } = run(0.9, false, [10, 0, 10])
    updates.forEach((u, i) => expect(u).toBeCloseTo([1, 0.9, 1.81][i]!, 14))
    expect(emas).toEqual(updates)
  })

  it('returns a constant gradient unchanged once debiased', () => {
    const decay = fc.double({ min: 0, max: 0.999, noNaN: true })
    const grad = fc.double({ min: -100, max: 100, noNaN: true })
    fc.assert(
      fc.property(decay, grad, (d, c) => {
        run(d, true, [c, c, c, c]).updates.forEach((u) => expect(u).toBeCloseTo(c, 9))
      }),
    )
  })

  it('accepts the options form; debias defaults to true', () => {
    const tx = ema({ decay: 0.5 })
    expect(tx.update([4], tx.init([0]))).toEqual([[4], { count: 1, ema: [2] }])
    const raw = ema({ decay: 0.5, debias: false })
    expect(raw.update([4], raw.init([0]))[0]).toEqual([2])
  })

  it('maps zero gradients to zeros, and decay 1 without debias keeps the average at zero', () => {
    expect(run(0.9, true, [0, 0, 0]).updates).toEqual([0, 0, 0])
    expect(run(1, false, [5, 5, 5]).updates).toEqual([0, 0, 0])
  })

  it('handles huge float32 gradients', () => {
    const tx = ema(0.5)
    const [u] = tx.update(tensor([3e38]), tx.init(tensor([0])))
    expect(values(u)).toEqual([Math.fround(3e38)])
  })

  it('keeps the dtype of the params and updates', () => {
    const tx = ema(0.9)
    const [u, s] = tx.update({ w: tensor([1]) }, tx.init({ w: tensor([0]) }))
    expect([u.w.dtype, (s.ema as { w: ReturnType<typeof tensor> }).w.dtype]).toEqual(['float32', 'float32'])
    // e = 0.1·1 stored as float32; u = e/(1 − 0.9) computed in float64 from the stored e, then rounded
    expect(values(u.w)).toEqual([Math.fround(Math.fround(0.1 * 1) / (1 - 0.9))])
    const [u64] = tx.update(tensor([1], 'float64'), tx.init(tensor([0], 'float64')))
    expect(u64.dtype).toBe('float64')
  })

  test.prop([arbPyTree()])('init has the structure of the params, zeros, and count 0', (p) => {
    const s = ema(0.9).init(p)
    expect(s.count).toBe(0)
    expectSameStructure(s.ema, p)
    expect(tree.norm(s.ema)).toBe(0)
  })

  it('does not modify its inputs', () => {
    const tx = ema(0.9)
    const g: PyTree = { w: tensor([1, 2]), b: 3 }
    const [, s1] = tx.update(g, tx.init(g))
    expectInputsUnchanged(() => tx.update(g, s1), g, s1)
  })

  it('rejects invalid options', () => {
    expect(() => ema(1)).toThrow(HyperparameterError)
    expect(() => ema(1)).toThrow('ema decay must be in [0, 1); got 1')
    expect(() => ema(1, { debias: false })).not.toThrow()
    expect(() => ema(1.1, { debias: false })).toThrow('ema decay must be in [0, 1]; got 1.1')
    expect(() => ema({ decay: -0.5 })).toThrow('ema options.decay must be in [0, 1); got -0.5')
    expect(() => ema(0.9, { debias: 0 as never })).toThrow('ema options.debias must be true or false; got 0')
  })
})
