import { describe, expect, it } from 'vitest'
import {
  HyperparameterError,
  adam,
  applyUpdates,
  chain,
  freeze,
  multiTransform,
  partition,
  selectiveTransform,
  sgd,
  tensor,
  type PyTree,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'

describe('multiTransform / partition / freeze / selectiveTransform', () => {
  it('equals running the two optimizers on the two halves; state only for own leaves', () => {
    const tx = multiTransform({ a: adam(0.1), s: sgd(0.5, { momentum: 0.9 }) }, (p: PyTree) =>
      Object.fromEntries(Object.keys(p as object).map((k) => [k, k.startsWith('w') ? 'a' : 's'])),
    )
    const A = adam(0.1)
    const S = sgd(0.5, { momentum: 0.9 })
    let p: PyTree = { w1: tensor([1, 2]), w2: tensor([-1]), b: tensor([3, 4]) }
    let pa: PyTree = { w1: tensor([1, 2]), w2: tensor([-1]) }
    let ps: PyTree = { b: tensor([3, 4]) }
    let [s, sa, ss] = [tx.init(p), A.init(pa), S.init(ps)]
    expect(Object.keys(s.innerStates).sort()).toEqual(['a', 's'])
    for (let t = 0; t < 4; t++) {
      const g = { w1: tensor([t, 1]), w2: tensor([-t]), b: tensor([1, t * t]) }
      const [u, n]: readonly [PyTree, typeof s] = tx.update(g, s, p)
      const [ua, na]: readonly [PyTree, typeof sa] = A.update({ w1: g.w1, w2: g.w2 }, sa, pa)
      const [us, ns]: readonly [PyTree, typeof ss] = S.update({ b: g.b }, ss, ps)
      expectTreesEqual(u, { ...(ua as object), ...(us as object) })
      p = applyUpdates(p, u)
      pa = applyUpdates(pa, ua)
      ps = applyUpdates(ps, us)
      s = n
      sa = na
      ss = ns
    }
  })
  it('a label without a transform throws at init, naming it; partition is multiTransform', () => {
    const tx = multiTransform({ a: sgd(1) }, { x: 'a', y: 'missing' })
    expect(() => tx.init({ x: 1, y: 2 })).toThrow(/label\(s\) "missing"/)
    expect(() => multiTransform({ a: sgd(1) }, { x: 3 as never })).toThrow(HyperparameterError)
    expect(partition).toBe(multiTransform)
  })
  it('freeze zeros the selected updates; selectiveTransform keeps no optimizer state for frozen leaves', () => {
    const tx = chain(sgd(1), freeze({ a: true, b: false }))
    expect(tx.update({ a: 1, b: 2 }, tx.init({ a: 0, b: 0 }))[0]).toEqual({ a: 0, b: -2 })
    const sel = selectiveTransform(sgd(1, { momentum: 0.9 }), { freezeMask: { a: true, b: false } })
    const s = sel.init({ a: 0, b: 0 })
    expect(s.innerStates.train!.innerState).toEqual([{ trace: { a: null, b: 0 } }, {}])
    expect(sel.update({ a: 1, b: 2 }, s)[0]).toEqual({ a: 0, b: -2 })
  })
})
