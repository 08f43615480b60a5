import { test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  type ExtraArgs,
  type GradientTransformation,
  type PyTree,
  StructureError,
  chain,
  identity,
  namedChain,
  setToZero,
  stateless,
  tensor,
  tree,
} from '../../src/index'
import { pyTree as arbPyTree } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesEqual } from '../_helpers/assertions'

interface CountState {
  readonly count: number
  readonly tag: string
}

/** u ↦ a·u + b (on every element), with a step counter in its state. */
const affine = (a: number, b: number, tag = `${a}x+${b}`): GradientTransformation<CountState> => ({
  init: () => ({ count: 0, tag }),
  update: (updates, state) => [
    tree.mapElementwise((x) => a * x + b, updates),
    { count: state.count + 1, tag: state.tag },
  ],
})

interface Call {
  readonly name: string
  readonly updates: unknown
  readonly params: unknown
  readonly extra: unknown
}

/** A transform that records every init and update call it receives and returns its updates unchanged. */
const spy = (name: string, log: Call[], inits: unknown[]): GradientTransformation<{ readonly name: string }> => ({
  init: (params) => {
    inits.push(params)
    return { name }
  },
  update: (updates, state, params, extra) => {
    log.push({ name, updates, params, extra })
    return [updates, state]
  },
})

describe('chain', () => {
  test('applies its parts left to right', () => {
    // (g + 1)·2 vs g·2 + 1 at g = 1: 4 vs 3
    const addThenDouble = chain(affine(1, 1), affine(2, 0))
    const doubleThenAdd = chain(affine(2, 0), affine(1, 1))
    expect(addThenDouble.update([1], addThenDouble.init([0]))[0]).toEqual([4])
    expect(doubleThenAdd.update([1], doubleThenAdd.init([0]))[0]).toEqual([3])
  })

  test('three parts compose as t₃(t₂(t₁(g)))', () => {
    // ((3·2 + 1)·(−1)) + 10 = 3
    const tx = chain(affine(2, 1), affine(-1, 0), affine(1, 10))
    const [u] = tx.update({ w: tensor([3, 0], 'float64') }, tx.init({ w: tensor([0, 0]) }))
    // at 0: ((0·2 + 1)·(−1)) + 10 = 9
    expect(u.w.toArray()).toEqual([3, 9])
  })

  test('the state is the tuple of the parts’ states, updated in order', () => {
    const tx = chain(affine(1, 0, 'first'), identity(), affine(1, 0, 'third'))
    const s0 = tx.init({ w: 1 })
    expect(s0).toEqual([{ count: 0, tag: 'first' }, {}, { count: 0, tag: 'third' }])
    const [, s1] = tx.update({ w: 1 }, s0)
    const [, s2] = tx.update({ w: 1 }, s1)
    expect(s2).toEqual([{ count: 2, tag: 'first' }, {}, { count: 2, tag: 'third' }])
    // the old states are untouched
    expect(s0).toEqual([{ count: 0, tag: 'first' }, {}, { count: 0, tag: 'third' }])
    expect(s1[0].count).toBe(1)
  })

  test('params reach every init; updates, params and extra reach every update', () => {
    const log: Call[] = []
    const inits: unknown[] = []
    const tx = chain(spy('a', log, inits), affine(10, 0), spy('b', log, inits))
    const params = { w: 5 }
    const state = tx.init(params)
    expect(inits).toEqual([params, params])
    expect(inits[0]).toBe(params)
    const extra: ExtraArgs = { value: 1.5, custom: 'x' }
    const updates = { w: 2 }
    const [out] = tx.update(updates, state, params, extra)
    expect(out).toEqual({ w: 20 })
    expect(log.map((c) => c.name)).toEqual(['a', 'b'])
    expect(log[0]!.updates).toBe(updates)
    expect(log[1]!.updates).toEqual({ w: 20 })
    for (const call of log) {
      expect(call.params).toBe(params)
      expect(call.extra).toBe(extra)
    }
  })

  test('without params and extra, parts receive undefined', () => {
    const log: Call[] = []
    const tx = chain(spy('a', log, []), spy('b', log, []))
    tx.update([1], tx.init([0]))
    for (const call of log) {
      expect(call.params).toBeUndefined()
      expect(call.extra).toBeUndefined()
    }
  })

  test('a state of the wrong length is a StructureError that says what to pass', () => {
    const tx = chain(identity(), setToZero())
    expect(() => tx.update([1], [{}] as never)).toThrow(StructureError)
    expect(() => tx.update([1], [{}] as never)).toThrow(
      "chain: expected this chain's 2-slot state [{}, {}]; got a 1-slot state [{}]. Is it another optimizer's " +
        "state? Pass the state returned by this transform's init or update.",
    )
    expect(() => tx.update([1], [{}, {}, {}] as never)).toThrow('got a 3-slot state')
    expect(() => tx.update([1], {} as never)).toThrow('got {}')
    expect(() => tx.update([1], undefined as never)).toThrow('got undefined')
  })

  test('a state of the right length with a hole (a slot never assigned) names the slot', () => {
    const tx = chain(identity(), setToZero())
    const sparse: unknown[] = []
    sparse[1] = {}
    sparse.length = 2
    expect(() => tx.update([1], sparse as never)).toThrow(StructureError)
    expect(() => tx.update([1], sparse as never)).toThrow('chain: slot 0 of the state should be {}; got undefined.')
  })

  test('an empty chain is the identity with an empty tuple state', () => {
    const tx = chain()
    const s = tx.init({ w: 1 })
    expect(s).toEqual([])
    const g = { w: tensor([1, 2]) }
    const [u, s1] = tx.update(g, s)
    expect(u).toBe(g)
    expect(s1).toEqual([])
  })

  test('chains nest: the inner chain’s state is a tuple inside the tuple', () => {
    const tx = chain(chain(affine(2, 0), affine(1, 1)), affine(3, 0))
    const s = tx.init([0])
    expect(s).toEqual([
      [
        { count: 0, tag: '2x+0' },
        { count: 0, tag: '1x+1' },
      ],
      { count: 0, tag: '3x+0' },
    ])
    // ((1·2) + 1)·3 = 9
    expect(tx.update([1], s)[0]).toEqual([9])
  })

  test.prop([arbPyTree()])('identity is a unit of chain', (g) => {
    const tx = affine(-0.5, 0)
    const expected = tx.update(g, tx.init(g))[0]
    const left = chain(identity(), tx)
    const right = chain(tx, identity())
    expectTreesEqual(left.update(g, left.init(g))[0], expected)
    expectTreesEqual(right.update(g, right.init(g))[0], expected)
  })

  test.prop([arbPyTree()])('chain never modifies its inputs', (g) => {
    const tx = chain(
      affine(2, 1),
      stateless((u) => tree.scale(-1, u)),
    )
    const state = tx.init(g)
    expectInputsUnchanged(() => tx.update(g, state, g, { value: 1 }), g, state)
  })
})

describe('namedChain', () => {
  test('the state is a record of the parts’ states by name', () => {
    const tx = namedChain(['first', affine(1, 1)], ['zero', identity()], ['second', affine(2, 0)])
    const s0 = tx.init({ w: 0 })
    expect(s0).toEqual({ first: { count: 0, tag: '1x+1' }, zero: {}, second: { count: 0, tag: '2x+0' } })
    const [u, s1] = tx.update({ w: 1 }, s0)
    // (1 + 1)·2 = 4
    expect(u).toEqual({ w: 4 })
    expect(s1.first.count).toBe(1)
    expect(s1.second.count).toBe(1)
    expect(s0.first.count).toBe(0)
  })

  test('parts are applied in argument order, not name order', () => {
    const tx = namedChain(['z', affine(2, 0)], ['a', affine(1, 1)])
    // 1·2 + 1 = 3 (the alphabetical order would give 4)
    expect(tx.update([1], tx.init([0]))[0]).toEqual([3])
  })

  test('params and extra reach every part', () => {
    const log: Call[] = []
    const inits: unknown[] = []
    const tx = namedChain(['a', spy('a', log, inits)], ['b', spy('b', log, inits)])
    const params = [tensor([1])]
    const extra = { value: 2 }
    tx.update(params, tx.init(params), params, extra)
    expect(inits).toEqual([params, params])
    expect(log.map((c) => c.name)).toEqual(['a', 'b'])
    for (const call of log) {
      expect(call.params).toBe(params)
      expect(call.extra).toBe(extra)
    }
  })

  test('duplicate names are rejected at construction', () => {
    expect(() => namedChain(['a', identity()], ['b', identity()], ['a', setToZero()])).toThrow(RangeError)
    expect(() => namedChain(['a', identity()], ['a', identity()])).toThrow(
      'namedChain names must be unique; "a" appears twice',
    )
  })

  test('a state without an entry for a part is a StructureError naming it', () => {
    const tx = namedChain(['adam', identity()], ['lr', identity()])
    expect(() => tx.update([1], { adam: {} } as never)).toThrow(StructureError)
    expect(() => tx.update([1], { adam: {} } as never)).toThrow('namedChain: the state has no entry "lr".')
    expect(() => tx.update([1], null as never)).toThrow('namedChain: the state has no entry "adam".')
    // a tuple state from chain() is not a named state
    expect(() => tx.update([1], [{}, {}] as never)).toThrow(StructureError)
  })

  test('an empty namedChain is the identity with an empty record state', () => {
    const tx = namedChain()
    expect(tx.init(1)).toEqual({})
    expect(tx.update(3, {})[0]).toBe(3)
  })

  test.prop([arbPyTree()])('namedChain gives the same updates as chain', (g) => {
    const parts = [affine(2, 1), affine(-1, 0.5)] as const
    const a = chain(...parts)
    const b = namedChain(['p', parts[0]], ['q', parts[1]])
    expectTreesEqual(b.update(g, b.init(g))[0], a.update(g, a.init(g))[0])
  })

  test('namedChain never modifies its inputs', () => {
    const tx = namedChain(['a', affine(2, 0)], ['b', setToZero()])
    const g = { w: tensor([1, 2]) } as PyTree
    const state = tx.init(g)
    expectInputsUnchanged(() => tx.update(g, state, g), g, state)
  })
})
