import { test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  InvalidTreeError,
  ShapeError,
  StructureError,
  applyUpdates,
  incrementalUpdate,
  tensor,
  tree,
  zeros,
} from '../../src/index'
import { float64 as arbFloat64, pyTree as arbPyTree, treePair as arbTreePair } from '../../src/testing/arbitraries'
import { expectInputsUnchanged, expectTreesClose, expectTreesEqual, values } from '../_helpers/assertions'

describe('applyUpdates', () => {
  test('adds updates to params leaf by leaf', () => {
    const p = { w: tensor([1, 2], 'float64'), b: 1, layers: [{ k: tensor([[1]], 'float64') }] }
    const u = { w: tensor([0.5, -1], 'float64'), b: -1, layers: [{ k: tensor([[2]], 'float64') }] }
    const expected = { w: tensor([1.5, 1], 'float64'), b: 0, layers: [{ k: tensor([[3]], 'float64') }] }
    expectTreesEqual(applyUpdates(p, u), expected)
  })

  test('float32 params stay float32 with float64 updates, rounded once from the float64 sum', () => {
    const out = applyUpdates({ w: tensor([1, 0.1]) }, { w: tensor([1e-9, 0.2], 'float64') })
    expect(out.w.dtype).toBe('float32')
    // 1 + 1e-9 rounds back to 1 in float32; fround(0.1) + 0.2 is rounded once
    expect(values(out.w)).toEqual([1, Math.fround(Math.fround(0.1) + 0.2)])
  })

  test('float64 params stay float64 with float32 updates', () => {
    const out = applyUpdates({ w: tensor([0.1], 'float64') }, { w: tensor([0.2]) })
    expect(out.w.dtype).toBe('float64')
    expect(values(out.w)).toEqual([0.1 + Math.fround(0.2)])
  })

  test('number leaves stay numbers', () => {
    expect(applyUpdates({ lr: 0.5, n: [1, 2] }, { lr: 0.25, n: [-1, -2] })).toEqual({ lr: 0.75, n: [0, 0] })
    expect(applyUpdates(3, 4)).toBe(7)
  })

  test('null subtrees pass through', () => {
    const out = applyUpdates({ frozen: null, w: [null, tensor([1])] }, { frozen: null, w: [null, tensor([1])] })
    expect(out.frozen).toBeNull()
    expect(out.w[0]).toBeNull()
    expect(values(out.w[1]!)).toEqual([2])
    expect(applyUpdates(null, null)).toBeNull()
  })

  test('a shape mismatch names the path on both sides', () => {
    const params = { layers: [{ w: zeros([4, 3]) }, { w: zeros([3, 4]) }] }
    const updates = { layers: [{ w: zeros([4, 3]) }, { w: zeros([4, 3]) }] }
    const call = () => applyUpdates(params, updates)
    expect(call).toThrow(ShapeError)
    expect(call).toThrow(/^params\.layers\[1\]\.w: shape \[3,4\] vs updates \[4,3\]/)
  })

  test('a structure mismatch names params and updates', () => {
    const call = () => applyUpdates({ layers: [1, 2] }, { layers: [1] })
    expect(call).toThrow(StructureError)
    expect(call).toThrow(
      'params.layers: params has an array of length 2 but updates has an array of length 1 (at updates.layers)',
    )
    expect(() => applyUpdates({ w: 1 }, { v: 1 })).toThrow(
      /params has \{w\} but updates has \{v\} \(at updates\)\. Build one from the other/,
    )
    expect(() => applyUpdates({ w: tensor([1]) }, { w: 1 })).toThrow(
      'params.w is a Tensor of shape [1] but updates.w is a number',
    )
    expect(() => applyUpdates({ w: 1 }, { w: tensor([1]) })).toThrow(
      'params.w is a number (1) but updates.w is a Tensor of shape [1]',
    )
  })

  test('invalid values are named on their side', () => {
    expect(() => applyUpdates({ w: 1 }, { w: undefined } as never)).toThrow(InvalidTreeError)
    expect(() => applyUpdates({ w: 1 }, { w: undefined } as never)).toThrow(/^updates\.w is undefined/)
    expect(() => applyUpdates({ w: 'x' } as never, { w: 1 })).toThrow(/^params\.w is a string/)
  })

  test.prop([arbPyTree()])('zero updates give back the same values, dtypes and shapes', (p) => {
    expectTreesEqual(applyUpdates(p, tree.zerosLike(p)), p)
  })

  test.prop([arbTreePair()])('keeps the structure, shapes and dtypes of params and adds in float64', ([p, u]) => {
    // updates in the other precision must not change the params' dtypes
    const u64 = tree.cast(u, 'float64')
    const out = expectInputsUnchanged(() => applyUpdates(p, u64), p, u64)
    const pl = tree.leaves(p)
    tree.leaves(out).forEach((o, i) => {
      const pi = pl[i]!
      const ui = tree.leaves(u64)[i]!
      if (typeof pi === 'number') {
        expect(o).toBe(pi + (ui as number))
      } else {
        const ot = o as typeof pi
        expect(ot.dtype).toBe(pi.dtype)
        expect(ot.shape).toEqual(pi.shape)
        const round = pi.dtype === 'float32' ? Math.fround : (x: number) => x
        const uv = (ui as typeof pi).data
        Array.from(ot.data).forEach((v, j) => expect(v).toBe(round(pi.data[j]! + uv[j]!)))
      }
    })
  })

  test('no caller array changes (float32 and float64, mixed dtypes)', () => {
    const p = { w: tensor([1, 2, 3]), d: tensor([0.1, 0.2], 'float64'), n: 1 }
    const u = { w: tensor([0.5, -1, 0.25], 'float64'), d: tensor([1, 2]), n: 2 }
    const before = [values(p.w), values(p.d)]
    expectInputsUnchanged(() => applyUpdates(p, u), p, u)
    expect([values(p.w), values(p.d)]).toEqual(before)
  })
})

describe('incrementalUpdate', () => {
  test('stepSize·new + (1 − stepSize)·old', () => {
    // 0.25·1 + 0.75·3 = 2.5
    expect(incrementalUpdate([1], [3], 0.25)).toEqual([2.5])
    expectTreesClose(incrementalUpdate({ w: tensor([4, 0], 'float64') }, { w: tensor([0, 8], 'float64') }, 0.5), {
      w: tensor([2, 4], 'float64'),
    })
  })

  test('stepSize 1 gives new, stepSize 0 gives old', () => {
    const n = { w: tensor([1, 2]) }
    const o = { w: tensor([5, 6]) }
    expectTreesEqual(incrementalUpdate(n, o, 1), n)
    expectTreesEqual(incrementalUpdate(n, o, 0), o)
  })

  test('mismatches name new and old', () => {
    expect(() => incrementalUpdate({ w: tensor([1, 2]) }, { w: tensor([1]) }, 0.5)).toThrow(
      'new.w: shape [2] vs old [1]',
    )
  })

  test.prop([arbTreePair({ dtype: 'float64' }), arbFloat64({ min: 0, max: 1 })])(
    'is a convex combination: between old and new element-wise',
    ([n, o], s) => {
      const out = expectInputsUnchanged(() => incrementalUpdate(n, o, s), n, o)
      const flat = (t: typeof n) => tree.leaves(t).flatMap((l) => (typeof l === 'number' ? [l] : Array.from(l.data)))
      const [fo, fn, fold] = [flat(out), flat(n), flat(o)]
      fo.forEach((v, i) => {
        const lo = Math.min(fn[i]!, fold[i]!)
        const hi = Math.max(fn[i]!, fold[i]!)
        const slack = 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))
        expect(v).toBeGreaterThanOrEqual(lo - slack)
        expect(v).toBeLessThanOrEqual(hi + slack)
      })
    },
  )
})
