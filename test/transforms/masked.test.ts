import { fc, test } from '@fast-check/vitest'
import { pipe } from 'fp-ts/function'
import { describe, expect, it } from 'vitest'
import {
  type EmptyState,
  type ExtraArgs,
  type GradientTransformation,
  HyperparameterError,
  type MaskTree,
  type PyTree,
  StructureError,
  addDecayedWeights,
  ema,
  isTensor,
  masked,
  scale,
  tensor,
  trace,
  tree,
} from '../../src/index'
import { treeLike as arbTreeLike, treeWithMask as arbTreeWithMask } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesClose, expectTreesEqual, values } from '../_helpers/assertions'

/** A stateless transform that records what it is given and doubles the updates. */
interface Calls {
  readonly init: PyTree[]
  readonly updates: PyTree[]
  readonly params: (PyTree | undefined)[]
  readonly extra: (ExtraArgs | undefined)[]
}

function spy(): { tx: GradientTransformation<EmptyState>; calls: Calls } {
  const calls: Calls = { init: [], updates: [], params: [], extra: [] }
  return {
    calls,
    tx: {
      init: (p) => (calls.init.push(p), {}),
      update: (u, s, p, e) => {
        calls.updates.push(u)
        calls.params.push(p)
        calls.extra.push(e)
        return [tree.scale(2, u), s]
      },
    },
  }
}

/** The number of leaves a prefix mask selects in `t`. */
const selectedLeaves = (mask: MaskTree, t: PyTree): number =>
  tree.leaves(tree.where(mask, tree.onesLike(t), tree.zerosLike(t))).filter((l) => tree.sum(l) > 0).length

describe('masked', () => {
  it('applies the inner transform where the mask is true and passes the rest through (golden, 3 steps)', () => {
    // inner = trace(0.5) on w only. w: g = 2, 2, 2 → 2, 3, 3.5. b: passes through (1, 2, 3).
    const tx = masked(trace(0.5), { w: true, b: false })
    let state = tx.init({ w: tensor([0], 'float64'), b: tensor([0], 'float64') })
    expect(state).toEqual({ innerState: { trace: { w: tensor([0], 'float64'), b: null } } })
    const out: [number, number][] = []
    for (const b of [1, 2, 3]) {
      const [u, s] = tx.update({ w: tensor([2], 'float64'), b: tensor([b], 'float64') }, state)
      out.push([values(u.w)[0]!, values(u.b)[0]!])
      state = s
    }
    expect(out).toEqual([
      [2, 1],
      [3, 2],
      [3.5, 3],
    ])
    expect((state.innerState.trace as { b: unknown }).b).toBeNull()
  })

  it('gives the inner transform null (the empty subtree) for masked-out updates and params, and forwards extra', () => {
    const { tx, calls } = spy()
    const m = masked(tx, { a: true, b: false, c: [false, true] })
    const params = { a: 1, b: 2, c: [3, 4] }
    m.init(params)
    expect(calls.init).toEqual([{ a: 1, b: null, c: [null, 4] }])
    const extra = { value: 1 }
    const [u] = m.update({ a: 10, b: 20, c: [30, 40] }, m.init(params), params, extra)
    expect(calls.updates[0]).toEqual({ a: 10, b: null, c: [null, 40] })
    expect(calls.params[0]).toEqual({ a: 1, b: null, c: [null, 4] })
    expect(calls.extra[0]).toBe(extra)
    expect(u).toEqual({ a: 20, b: 20, c: [30, 80] })
    m.update({ a: 1, b: 1, c: [1, 1] }, m.init(params))
    expect(calls.params[1]).toBeUndefined()
  })

  it('lets one boolean stand for a whole subtree (prefix mask), and keeps no state under it', () => {
    const params = { layers: [{ w: tensor([1, 2]), b: tensor([3]) }, { w: tensor([4]) }], head: { w: tensor([5]) } }
    const tx = masked(ema(0.5), { layers: true, head: false })
    const state = tx.init(params)
    expect(state.innerState.ema).toEqual({ layers: tree.zerosLike(params.layers), head: null })
    const [u] = tx.update(params, state)
    // ema's first debiased step returns g itself, so every value is unchanged; the head is the same object.
    expectTreesEqual(u, params)
    expect(u.head).toBe(params.head)
  })

  it('accepts a mask function, called with the params at init and the updates at update', () => {
    const seen: PyTree[] = []
    const byRank = (t: PyTree): MaskTree => {
      seen.push(t)
      return tree.map((l) => (isTensor(l) && l.shape.length >= 2) as never, t) as unknown as MaskTree
    }
    const tx = masked(scale(10), byRank)
    const params = { w: tensor([[1, 2]]), b: tensor([1]) }
    const g = { w: tensor([[1, 1]]), b: tensor([1]) }
    const [u] = tx.update(g, tx.init(params), params)
    expect(seen).toEqual([params, g])
    expect([u.w.toArray(), u.b.toArray()]).toEqual([[[10, 10]], [1]])
  })

  it('composes nested masks: only leaves selected by both are transformed', () => {
    const inner = masked(scale(10), { a: true, b: false, c: true })
    const tx = masked(inner, { a: true, b: true, c: false })
    const state = tx.init({ a: 0, b: 0, c: 0 })
    expect(state).toEqual({ innerState: { innerState: {} } })
    expect(tx.update({ a: 1, b: 1, c: 1 }, state)[0]).toEqual({ a: 10, b: 1, c: 1 })
  })

  it('nested: an inner mask written for the full params fits params already masked by the outer one', () => {
    const params = { x: { p: 1, q: 2 }, y: 3 }
    const inner = masked(trace(0.5), { x: { p: true, q: false }, y: true })
    const tx = pipe(inner, masked({ x: false, y: true }))
    const state = tx.init(params)
    expect(state.innerState.innerState.trace).toEqual({ x: null, y: 0 })
    const [u1, s1] = tx.update({ x: { p: 1, q: 1 }, y: 2 }, state)
    const [u2] = tx.update({ x: { p: 1, q: 1 }, y: 2 }, s1)
    expect([u1, u2]).toEqual([
      { x: { p: 1, q: 1 }, y: 2 },
      { x: { p: 1, q: 1 }, y: 3 },
    ])
  })

  it('masks the params given to the inner transform (weight decay skips the biases)', () => {
    const params = { w: tensor([10]), b: tensor([10]) }
    const tx = masked(addDecayedWeights(0.5), { w: true, b: false })
    const [u] = tx.update({ w: tensor([1]), b: tensor([1]) }, tx.init(params), params)
    expect([values(u.w), values(u.b)]).toEqual([[6], [1]])
  })

  it('with an all-false mask returns the updates and the inner transform sees only nulls', () => {
    const tx = masked(trace(0.9), false)
    const params = { w: tensor([1]), b: [2, 3] }
    const state = tx.init(params)
    expect(state).toEqual({ innerState: { trace: null } })
    expect(tx.update(params, state)[0]).toBe(params)
  })

  it('supports the data-last form with pipe', () => {
    const tx = pipe(scale(3), masked({ a: true, b: false }))
    expect(tx.update({ a: 1, b: 1 }, tx.init({ a: 0, b: 0 }))[0]).toEqual({ a: 3, b: 1 })
  })

  it('throws naming the path when the mask does not fit the params', () => {
    const tx = masked(scale(2), { w: true, c: false })
    expect(() => tx.init({ w: 1, b: 1 })).toThrow(StructureError)
    expect(() => tx.init({ w: 1, b: 1 })).toThrow(/mask has keys \[c, w\] but the params at params have keys \[b, w\]/)
    const arr = masked(scale(2), { layers: [true] })
    expect(() => arr.init({ layers: [1, 2] })).toThrow(
      /mask\.layers has length 1 but the params at params\.layers have length 2/,
    )
    const deep = masked(scale(2), { a: { b: true } })
    expect(() => deep.update({ a: 1 }, { innerState: {} })).toThrow(
      /mask\.a is object but the params at params\.a are a leaf/,
    )
  })

  it('rejects masks with non-boolean leaves and a missing inner transform at construction', () => {
    expect(() => masked(scale(1), { w: 1 } as never)).toThrow(HyperparameterError)
    expect(() => masked(scale(1), { w: 1 } as never)).toThrow('masked mask.w must be a boolean; got 1')
    expect(() => masked(scale(1), undefined as never)).toThrow(/masked mask must be a tree of booleans or a function/)
    expect(() => masked(undefined as never, { w: true })).toThrow(
      'masked inner must be a GradientTransformation { init, update }',
    )
  })

  it('keeps the dtype of the updates', () => {
    const tx = masked(scale(2), { a: true, b: false })
    const params = { a: tensor([0]), b: tensor([0], 'float64') }
    const [u] = tx.update({ a: tensor([1]), b: tensor([1], 'float64') }, tx.init(params))
    expect([u.a.dtype, u.b.dtype]).toEqual(['float32', 'float64'])
  })

  it('does not modify its inputs', () => {
    const tx = masked(trace(0.9), { w: true, b: false })
    const g = { w: tensor([1, 2]), b: tensor([3]) }
    const [, s1] = tx.update(g, tx.init(g))
    expectInputsUnchanged(() => tx.update(g, s1, g), g, s1)
  })

  const withGrads = arbTreeWithMask().chain(([t, m]) =>
    fc.tuple(fc.constant(t), fc.constant(m), fc.array(arbTreeLike(t), { minLength: 3, maxLength: 3 })),
  )

  test.prop([withGrads])(
    'leaves unselected updates untouched, transforms the selected ones, and keeps state only for them',
    ([params, mask, grads]) => {
      const tx = masked(trace(0.5), mask)
      const full = trace(0.5)
      let s = tx.init(params)
      let sFull = full.init(params)
      // The state holds exactly the selected leaves.
      expect(tree.leaves(s.innerState.trace).length).toBe(selectedLeaves(mask, params))
      for (const g of grads) {
        const [u, next] = tx.update(g, s, params)
        const [uFull, nextFull] = full.update(g, sFull, params)
        // Unselected: bit-identical to the input; selected: what the inner transform gives on the full tree.
        expectTreesEqual(u, tree.where(mask, uFull, g))
        expectTreesClose(u, tree.where(mask, uFull, g))
        s = next
        sFull = nextFull
      }
      expect(tree.leaves(s.innerState.trace).length).toBe(selectedLeaves(mask, params))
    },
  )
})
