import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, type PyTree, tensor, trace, tree } from '../../src/index'
import { pyTree as arbPyTree } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectSameStructure, expectTreesClose, values } from '../_helpers/assertions'

/** Runs trace over scalar gradients on one float64 tensor leaf; returns updates and final trace value. */
function run(decay: number, nesterov: boolean, grads: readonly number[]): { updates: number[]; traces: number[] } {
  const tx = trace(decay, { nesterov })
  let state = tx.init(tensor([0], 'float64'))
  const updates: number[] = []
  const traces: number[] = []
  for (const g of grads) {
    const [u, s] = tx.update(tensor([g], 'float64'), state)
    updates.push(values(u)[0]!)
    traces.push(values(s.trace)[0]!)
    state = s
  }
  return { updates, traces }
}

describe('trace', () => {
  it('is heavy-ball momentum: tr = g + decay·tr, u = tr (golden, 3 steps)', () => {
    // decay 0.9, g = 1, 2, 3: tr₁ = 1; tr₂ = 2 + 0.9·1 = 2.9; tr₃ = 3 + 0.9·2.9 = 5.61
    const { updates, traces } = run(0.9, false, [1, 2, 3])
    expect(traces[0]).toBe(1) // the first step (from zeros) returns g itself
    updates.forEach((u, i) => expect(u).toBeCloseTo([1, 2.9, 5.61][i]!, 14))
    expect(traces).toEqual(updates)
  })

  it('with nesterov returns g + decay·tr_new (golden, 3 steps)', () => {
    // traces as above (1, 2.9, 5.61); u = g + 0.9·tr: 1 + 0.9 = 1.9; 2 + 2.61 = 4.61; 3 + 5.049 = 8.049
    const { updates, traces } = run(0.9, true, [1, 2, 3])
    traces.forEach((t, i) => expect(t).toBeCloseTo([1, 2.9, 5.61][i]!, 14))
    updates.forEach((u, i) => expect(u).toBeCloseTo([1.9, 4.61, 8.049][i]!, 14))
  })

  it('nesterov matches the hand formula on random sequences', () => {
    const decay = fc.double({ min: 0, max: 1, noNaN: true })
    const grad = fc.double({ min: -10, max: 10, noNaN: true })
    fc.assert(
      fc.property(decay, fc.array(grad, { minLength: 1, maxLength: 6 }), (d, gs) => {
        let tr = 0
        const expected = gs.map((g) => {
          tr = g + d * tr
          return g + d * tr
        })
        const { updates } = run(d, true, gs)
        updates.forEach((u, i) => expect(u).toBeCloseTo(expected[i]!, 10))
      }),
    )
  })

  it('accepts the options form', () => {
    const tx = trace({ decay: 0.5, nesterov: true })
    expect(tx.update([2], tx.init([0]))[0]).toEqual([3])
  })

  it('decays the trace geometrically under zero gradients; decay 0 is the identity, decay 1 a running sum', () => {
    // g = 4, 0, 0 with decay 0.5 → 4, 2, 1
    expect(run(0.5, false, [4, 0, 0]).updates).toEqual([4, 2, 1])
    expect(run(0, false, [4, -1, 3]).updates).toEqual([4, -1, 3])
    expect(run(1, false, [4, -1, 3]).updates).toEqual([4, 3, 6])
    expect(run(0.5, false, [0, 0, 0]).updates).toEqual([0, 0, 0])
  })

  it('handles huge float32 gradients (accumulated in float64 per element, stored as float32)', () => {
    const tx = trace(0.5)
    const [u1, s1] = tx.update(tensor([2e38]), tx.init(tensor([0])))
    const [u2] = tx.update(tensor([1e38]), s1)
    expect(values(u1)).toEqual([Math.fround(2e38)])
    expect(values(u2)).toEqual([Math.fround(1e38 + 0.5 * Math.fround(2e38))])
  })

  it('keeps float32 in float32, rounding the stored trace each step', () => {
    const tx = trace(0.9)
    let state = tx.init({ w: tensor([0]) })
    let tr = 0
    for (const g of [0.1, 0.2, 0.3]) {
      const [u, s] = tx.update({ w: tensor([g]) }, state)
      tr = Math.fround(Math.fround(g) + 0.9 * tr)
      expect(u.w.dtype).toBe('float32')
      expect((s.trace as { w: ReturnType<typeof tensor> }).w.dtype).toBe('float32')
      expect(values(u.w)).toEqual([tr])
      state = s
    }
    const f64 = trace(0.9)
    expect(f64.update(tensor([1], 'float64'), f64.init(tensor([0], 'float64')))[0].dtype).toBe('float64')
  })

  test.prop([arbPyTree()])('init has the structure, shapes and dtypes of the params, and zeros', (p) => {
    const { trace: tr } = trace(0.9).init(p)
    expectSameStructure(tr, p)
    expect(tree.norm(tr)).toBe(0)
  })

  it('does not modify its inputs', () => {
    const tx = trace(0.9, { nesterov: true })
    const g: PyTree = { w: tensor([1, 2]), b: 3 }
    const [, s1] = tx.update(g, tx.init(g))
    expectInputsUnchanged(() => tx.update(g, s1), g, s1)
  })

  it('keeps null subtrees empty in the state', () => {
    const tx = trace(0.9)
    const [u, s] = tx.update({ a: 1, b: null }, tx.init({ a: 0, b: null }))
    expect(u).toEqual({ a: 1, b: null })
    expectTreesClose(s.trace, { a: 1, b: null })
  })

  it('rejects invalid options', () => {
    expect(() => trace(1.5)).toThrow(HyperparameterError)
    expect(() => trace(1.5)).toThrow('trace decay must be in [0, 1]; got 1.5')
    expect(() => trace(-0.1)).toThrow('trace decay must be in [0, 1]; got -0.1')
    expect(() => trace({ decay: NaN })).toThrow('trace options.decay must be in [0, 1]; got NaN')
    expect(() => trace(0.9, { nesterov: 'yes' as never })).toThrow(
      'trace options.nesterov must be true or false; got "yes"',
    )
  })
})
