import { test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  type Leaf,
  type PyTree,
  StructureError,
  identity,
  initEmptyState,
  isTensor,
  setToZero,
  stateless,
  statelessWithTreeMap,
  tensor,
  tree,
} from '../../src/index'
import { pyTree as arbPyTree, treePair as arbTreePair } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectSameStructure, expectTreesEqual, values } from '../_helpers/assertions'

describe('initEmptyState', () => {
  test('is the same frozen empty record whatever the params', () => {
    const a = initEmptyState({ w: 1 })
    expect(a).toEqual({})
    expect(Object.isFrozen(a)).toBe(true)
    expect(initEmptyState(null)).toBe(a)
    expect(initEmptyState([tensor([1])])).toBe(a)
  })
})

describe('identity', () => {
  test('returns its updates and its state unchanged', () => {
    const tx = identity()
    const g = { w: tensor([1, -2]), s: 3 }
    const s = tx.init(g)
    expect(s).toEqual({})
    const [u, s1] = tx.update(g, s, g, { value: 1 })
    expect(u).toBe(g)
    expect(s1).toBe(s)
  })

  test.prop([arbPyTree()])('identity never modifies its inputs', (g) => {
    const tx = identity()
    expectInputsUnchanged(() => tx.update(g, tx.init(g)), g)
  })
})

describe('setToZero', () => {
  test('replaces every update by zeros of the same shape and dtype', () => {
    const tx = setToZero()
    const g = { w: tensor([1, -2]), d: tensor([[3]], 'float64'), s: 4, n: null }
    const [u, s] = tx.update(g, tx.init(g))
    expect(s).toEqual({})
    expect(values(u.w)).toEqual([0, 0])
    expect(u.w.dtype).toBe('float32')
    expect(u.d.dtype).toBe('float64')
    expect(u.d.shape).toEqual([1, 1])
    expect(u.s).toBe(0)
    expect(u.n).toBeNull()
  })

  test('zeros even non-finite updates', () => {
    const tx = setToZero()
    const [u] = tx.update([tensor([NaN, Infinity])], tx.init([]))
    expect(values(u[0]!)).toEqual([0, 0])
  })

  test.prop([arbPyTree()])('gives zerosLike(updates) and never modifies its inputs', (g) => {
    const tx = setToZero()
    const [u] = expectInputsUnchanged(() => tx.update(g, tx.init(g)), g)
    expectTreesEqual(u, tree.zerosLike(g))
  })
})

describe('stateless', () => {
  test('applies f to the updates and the params', () => {
    const tx = stateless((u, p) => (p === undefined ? u : tree.add(u, p)))
    const params = { w: 10 }
    expect(tx.init(params)).toEqual({})
    expect(tx.update({ w: 1 }, tx.init(params), params)[0]).toEqual({ w: 11 })
  })

  test('f sees undefined params when update gets none', () => {
    const seen: unknown[] = []
    const tx = stateless((u, p) => {
      seen.push(p)
      return u
    })
    tx.update([1], tx.init([0]))
    expect(seen).toEqual([undefined])
  })

  test('the state is returned unchanged', () => {
    const tx = stateless((u) => tree.scale(2, u))
    const s = tx.init([0])
    const [u, s1] = tx.update([1.5], s)
    expect(u).toEqual([3])
    expect(s1).toBe(s)
  })
})

describe('statelessWithTreeMap', () => {
  test('maps f over the update leaves and the params leaves', () => {
    const tx = statelessWithTreeMap((g, p) => (g as number) * (p as number))
    const params = { a: 2, b: [3, null] }
    expect(tx.update({ a: 5, b: [7, null] }, tx.init(params), params)[0]).toEqual({ a: 10, b: [21, null] })
  })

  test('f gets undefined params when update gets none', () => {
    const seen: (Leaf | undefined)[] = []
    const tx = statelessWithTreeMap((g, p) => {
      seen.push(p)
      return g
    })
    const [u] = tx.update({ a: 1, b: 2 }, tx.init({}))
    expect(u).toEqual({ a: 1, b: 2 })
    expect(seen).toEqual([undefined, undefined])
  })

  test('works on tensors with tree math inside f', () => {
    // weight decay as a leaf function: g + 0.5·p
    const tx = statelessWithTreeMap((g, p) => tree.addScale(g, 0.5, p as Leaf) as Leaf)
    const params = { w: tensor([2, 4], 'float64') }
    const [u] = tx.update({ w: tensor([1, 1], 'float64') }, tx.init(params), params)
    expect(isTensor(u.w) && u.w.toArray()).toEqual([2, 3])
  })

  test('a params structure mismatch names updates and params', () => {
    const tx = statelessWithTreeMap((g) => g)
    expect(() => tx.update({ a: 1 } as PyTree, tx.init({}), { b: 1 })).toThrow(StructureError)
    expect(() => tx.update({ a: 1 } as PyTree, tx.init({}), { b: 1 })).toThrow(/updates has \{a\} but params has/)
  })

  test.prop([arbTreePair()])('never modifies its inputs and keeps the structure', ([g, p]) => {
    const tx = statelessWithTreeMap((x) => tree.scale(-1, x))
    const [u] = expectInputsUnchanged(() => tx.update(g, tx.init(p), p), g, p)
    expectSameStructure(u, g)
  })
})
