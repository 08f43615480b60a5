import { pipe } from 'fp-ts/function'
import { describe, expect, it } from 'vitest'
import { HyperparameterError, adam, applyIfFinite, sgd, tensor, tree } from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'

describe('applyIfFinite', () => {
  it('never lets a NaN or Inf through while under the limit, counts skipped steps, keeps the inner state', () => {
    const tx = applyIfFinite(adam(0.1), { maxConsecutiveErrors: 3 })
    let s = tx.init({ w: tensor([1, 1]) })
    const inputs = [
      [1, 1],
      [NaN, 1],
      [Infinity, 0],
      [1, 2],
      [-Infinity, 1],
    ]
    const counts: number[][] = []
    for (const g of inputs) {
      const [u, n] = tx.update({ w: tensor(g) }, s)
      expect(tree.allFinite(u)).toBe(true)
      if (n.lastFinite === 0) {
        expect(u.w.toArray()).toEqual([0, 0])
        expect(n.innerState).toBe(s.innerState)
      }
      counts.push([n.notfiniteCount, n.totalNotfinite, n.lastFinite])
      s = n
    }
    expect(counts).toEqual([
      [0, 0, 1],
      [1, 1, 0],
      [2, 2, 0],
      [0, 2, 1],
      [1, 3, 0],
    ])
  })
  it('gives up after maxConsecutiveErrors, applies that non-finite update once, and starts a new streak', () => {
    // optax PR #1746: the counter must be reset when the wrapper gives up. Six NaN steps with max 2: skip, skip,
    // apply (count 3 > 2, reset to 0), skip, skip, apply. Without the reset every step after the 3rd is applied.
    const tx = pipe(sgd(1), applyIfFinite(2))
    let s = tx.init([0])
    const out: number[] = []
    const counts: number[][] = []
    for (let i = 0; i < 6; i++) {
      const [u, n] = tx.update([NaN], s)
      out.push(u[0] as number)
      counts.push([n.notfiniteCount, n.totalNotfinite, n.lastFinite])
      s = n
    }
    expect(out.map((x) => (Number.isNaN(x) ? 'applied' : x))).toEqual([0, 0, 'applied', 0, 0, 'applied'])
    expect(counts).toEqual([
      [1, 1, 0],
      [2, 2, 0],
      [0, 3, 0],
      [1, 4, 0],
      [2, 5, 0],
      [0, 6, 0],
    ])
  })
  it('maxConsecutiveErrors 0 applies every non-finite update and its count stays 0', () => {
    const tx = applyIfFinite(sgd(1), 0)
    const [u, s] = tx.update([NaN], tx.init([0]))
    expect(Number.isNaN(u[0])).toBe(true)
    expect([s.notfiniteCount, s.totalNotfinite]).toEqual([0, 1])
  })
  it('never gives up by default; validates; does not modify inputs', () => {
    const tx = applyIfFinite(sgd(1))
    let s = tx.init([0])
    for (let i = 0; i < 50; i++) s = tx.update([NaN], s)[1]
    expect(tx.update([NaN], s)[0]).toEqual([0])
    expect(() => applyIfFinite(sgd(1), { maxConsecutiveErrors: -1 })).toThrow(HyperparameterError)
    expect(() => applyIfFinite(sgd(1), 1.5)).toThrow(/maxConsecutiveErrors must be an integer/)
    const g = { w: tensor([NaN]) }
    const s0 = tx.init({ w: tensor([0]) }) // init takes the params, which must be finite (NaN params are refused)
    expectInputsUnchanged(() => tx.update(g, s0), g, s0)
  })
})
