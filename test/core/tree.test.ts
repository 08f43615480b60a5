import { fc, test } from '@fast-check/vitest'
import * as O from 'fp-ts/Option'
import * as E from 'fp-ts/Either'
import { describe, expect } from 'vitest'
import {
  type Leaf,
  type MaskTree,
  type PyTree,
  type Tensor,
  DTypeError,
  InvalidTreeError,
  ShapeError,
  StructureError,
  isTensor,
  tensor,
  tree,
  zeros,
} from '../../src/index'
import {
  float64 as arbFloat64,
  pyTree as arbPyTree,
  treeLike as arbTreeLike,
  treePair as arbTreePair,
  treeTriple as arbTreeTriple,
  treeWithMask as arbTreeWithMask,
} from '../../src/testing/arbitraries'
import {
  expectInputsUnchanged,
  expectSameStructure,
  expectTreesClose,
  expectTreesEqual,
  values,
} from '../_helpers/assertions'

const f32 = (xs: number[]): number[] => xs.map(Math.fround)

/** Every element of every leaf, in flattening order, as float64 numbers. */
const elements = (t: PyTree): number[] =>
  tree.leaves(t).flatMap((l) => (isTensor(l) ? Array.from(l.data) : [l as number]))

describe('leaves, flatten and structure', () => {
  test('object keys are flattened in sorted order, whatever the insertion order', () => {
    const t = { c: 3, a: 1, b: { z: 26, y: 25 } }
    expect(tree.leaves(t)).toEqual([1, 25, 26, 3])
    const [ls, def] = tree.flatten({ b: { y: 25, z: 26 }, a: 1, c: 3 })
    expect(ls).toEqual([1, 25, 26, 3])
    expect(def).toEqual(tree.structure(t))
    expect(tree.equalStructure(t, { b: { y: 0, z: 0 }, c: 0, a: 0 })).toBe(true)
  })

  // The keys in the order of Array.prototype.sort() (UTF-16 code units: '10' < '2', 'B' < 'a', surrogates by unit),
  // below and above the insertion-sort limit (16 keys).
  test.prop([fc.uniqueArray(fc.oneof(fc.string(), fc.nat({ max: 30 }).map(String)), { maxLength: 40 })])(
    'the order of Object.keys(…).sort() for any keys, and equalStructure whatever the insertion order',
    (keys) => {
      const t = Object.fromEntries(keys.map((k, i) => [k, i]))
      const sorted = Object.keys(t).sort()
      expect(tree.leaves(t)).toEqual(sorted.map((k) => t[k]))
      const reversed = Object.fromEntries([...keys].reverse().map((k) => [k, 0]))
      expect(tree.equalStructure(t, reversed)).toBe(true)
      if (keys.length > 0)
        expect(tree.equalStructure(t, { ...reversed, [`${keys[0]}x`]: 0 })).toBe(keys.includes(`${keys[0]}x`))
    },
  )

  test('flatten and flattenWithPath (one walk each) agree with leaves and structure; every path is its own array', () => {
    const t = { b: [1, null, { z: 2, a: [3] }], a: tensor([4]), c: [] as number[] }
    const [ls, def] = tree.flatten(t)
    const [pairs, def2] = tree.flattenWithPath(t)
    expect(ls).toEqual(tree.leaves(t))
    expect(def).toEqual(tree.structure(t))
    expect(def2).toEqual(tree.structure(t))
    expect(pairs.map(([, l]) => l)).toEqual(ls)
    expect(pairs.map(([p]) => p)).toEqual([['a'], ['b', 0], ['b', 2, 'a', 0], ['b', 2, 'z']])
    expect(new Set(pairs.map(([p]) => p)).size).toBe(pairs.length)
  })

  test('arrays keep their order; depth first', () => {
    expect(tree.leaves([3, [1, { x: 2 }], 0])).toEqual([3, 1, 2, 0])
  })

  test('flattenWithPath gives the key path of every leaf', () => {
    const w = tensor([1, 2])
    const [pairs] = tree.flattenWithPath({ layers: [{ w, b: 0 }, null, { w: 5 }], lr: 1 })
    expect(pairs).toEqual([
      [['layers', 0, 'b'], 0],
      [['layers', 0, 'w'], w],
      [['layers', 2, 'w'], 5],
      [['lr'], 1],
    ])
    expect(pairs[1]![1]).toBe(w)
  })

  test('null is an empty subtree, not a leaf', () => {
    expect(tree.leaves(null)).toEqual([])
    expect(tree.leaves([null, 1, { a: null }])).toEqual([1])
    expect(tree.isLeaf(null)).toBe(false)
    expect(tree.structure({ a: null, b: 1 })).toEqual({
      kind: 'object',
      keys: ['a', 'b'],
      children: [{ kind: 'null' }, { kind: 'leaf' }],
    })
    expect(tree.size({ a: null })).toBe(0)
    expect(tree.unflatten(tree.structure([null, 0]), [7])).toEqual([null, 7])
    // null and a leaf are different structures
    expect(tree.equalStructure({ a: null }, { a: 1 })).toBe(false)
    expect(tree.equalStructure({ a: null }, { a: null })).toBe(true)
  })

  test('null subtrees pass through tree functions untouched', () => {
    const t = { a: null, b: [tensor([1, 2]), null] }
    expect(tree.map((x) => x, t).a).toBeNull()
    expect(tree.add(t, t).b[1]).toBeNull()
    expect(tree.scale(2, t).a).toBeNull()
    expect(tree.zerosLike(t).b[1]).toBeNull()
    expect(tree.norm(t)).toBeCloseTo(Math.sqrt(5), 12)
  })

  test('isLeaf: tensors and numbers (and mask booleans); nodes are not leaves', () => {
    expect(tree.isLeaf(1)).toBe(true)
    expect(tree.isLeaf(tensor([1]))).toBe(true)
    expect(tree.isLeaf(true)).toBe(true)
    expect(tree.isLeaf([1])).toBe(false)
    expect(tree.isLeaf({})).toBe(false)
  })

  test('a tensor is a leaf, never a dict node', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ])
    expect(tree.leaves({ t })).toEqual([t])
    expect(tree.structure(t)).toEqual({ kind: 'leaf' })
  })

  test('null-prototype objects are dict nodes', () => {
    const o = Object.assign(Object.create(null) as Record<string, number>, { b: 2, a: 1 })
    expect(tree.leaves(o)).toEqual([1, 2])
  })

  test('unflatten with the wrong number of leaves is a StructureError', () => {
    const def = tree.structure({ a: 1, b: [2, 3] })
    expect(() => tree.unflatten(def, [1, 2])).toThrow(StructureError)
    expect(() => tree.unflatten(def, [1, 2])).toThrow('the structure has 3 leaves but 2 were given')
    expect(E.isLeft(tree.unflattenE(def, [1, 2, 3, 4]))).toBe(true)
    expect(tree.unflattenE(def, [1, 2, 3])).toEqual(E.right({ a: 1, b: [2, 3] }))
  })

  test.prop([arbPyTree()])('unflatten(structure(t), leaves(t)) rebuilds t with the same leaf objects', (t) => {
    const [ls, def] = tree.flatten(t)
    const back = tree.unflatten(def, ls)
    expect(back).toEqual(t)
    expect(tree.equalStructure(back, t)).toBe(true)
    tree.leaves(back).forEach((l, i) => expect(l).toBe(ls[i]))
  })

  test.prop([arbPyTree()])('leaves and flattenWithPath agree; every path leads back to its leaf', (t) => {
    const [pairs] = tree.flattenWithPath(t)
    expect(pairs.map(([, l]) => l)).toEqual(tree.leaves(t))
    for (const [path, leaf] of pairs) {
      expect(O.toNullable(tree.get(t, path))).toBe(leaf)
      if (path.length > 0) expect(O.toNullable(tree.get(t, tree.keystr(path)))).toBe(leaf)
    }
  })

  test.prop([arbPyTree()])('structure ignores leaf values; size counts elements', (t) => {
    const z = tree.zerosLike(t)
    expect(tree.structure(z)).toEqual(tree.structure(t))
    const n = tree.leaves(t).reduce<number>((s, l) => s + (isTensor(l) ? l.size : 1), 0)
    expect(tree.size(t)).toBe(n)
  })
})

describe('invalid values', () => {
  class Foo {
    readonly x = 1
  }
  const invalid: readonly (readonly [string, unknown, RegExp])[] = [
    ['undefined', undefined, /is undefined/],
    ['a string', 'oops', /is a string \(oops\)/],
    ['a Map', new Map([['w', 1]]), /is an instance of Map/],
    ['a class instance', new Foo(), /is an instance of Foo/],
    ['a raw Float32Array', new Float32Array([1, 2]), /is a raw Float32Array; wrap it with tensor\(data, shape\)/],
    ['a raw Float64Array', new Float64Array([1, 2]), /is a raw Float64Array/],
    ['a function', () => 1, /is a function/],
    ['a bigint', 1n, /is a bigint/],
    ['a Date', new Date(0), /is an instance of Date/],
  ]

  const wrap = (x: unknown): PyTree => ({ layers: [{ b: 0 }, { w: x }] }) as never

  describe.each(invalid)('%s', (_, x, msg) => {
    test('throws InvalidTreeError naming its path, in every tree function', () => {
      const t = wrap(x)
      const ok = { layers: [{ b: 0 }, { w: 0 }] }
      const calls: readonly (() => unknown)[] = [
        () => tree.leaves(t),
        () => tree.structure(t),
        () => tree.flatten(t),
        () => tree.map((l) => l, t),
        () => tree.zerosLike(t),
        () => tree.norm(t),
        () => tree.sum(t),
        () => tree.size(t),
        () => tree.add(t, t),
        () => tree.scale(2, t),
      ]
      for (const call of calls) {
        expect(call).toThrow(InvalidTreeError)
        expect(call).toThrow(/^tree\.layers\[1\]\.w /)
        expect(call).toThrow(msg)
      }
      // the second tree is named too
      expect(() => tree.add(ok, t)).toThrow(/^tree#2\.layers\[1\]\.w /)
      expect(() => tree.validate(t, 'params')).toThrow(/^params\.layers\[1\]\.w /)
      expect(E.isLeft(tree.validateE(t))).toBe(true)
    })
  })

  test('a boolean outside a mask is an InvalidTreeError naming its path', () => {
    const t = { a: [1, true] } as never as PyTree
    expect(() => tree.validate(t, 'params')).toThrow(InvalidTreeError)
    expect(() => tree.validate(t, 'params')).toThrow('params.a[1] is a boolean')
    const calls = [
      () => tree.add(t, t),
      () => tree.norm(t),
      () => tree.sum(t),
      () => tree.scale(2, t),
      () => tree.zerosLike(t),
    ]
    for (const call of calls) {
      expect(call).toThrow(InvalidTreeError)
      expect(call).toThrow(/a\[1\] is a boolean/)
    }
  })

  test('validate accepts every valid tree and returns it through validateE', () => {
    const t = { a: [1, tensor([2]), null], b: {} }
    expect(() => tree.validate(t)).not.toThrow()
    expect(tree.validateE(t)).toEqual(E.right(t))
  })
})

describe('structure mismatches', () => {
  test('different keys: StructureError naming both trees and their keys', () => {
    const call = () => tree.add({ p: { a: 1, b: 2 } }, { p: { a: 1, c: 2 } })
    expect(call).toThrow(StructureError)
    expect(call).toThrow('tree.p: tree has {a, b} but tree#2 has {a, c} (at tree#2.p). Build one from the other')
  })

  test('different array lengths', () => {
    expect(() => tree.sub({ l: [1, 2] }, { l: [1, 2, 3] })).toThrow(
      'tree.l: tree has an array of length 2 but tree#2 has an array of length 3',
    )
  })

  test('null against a leaf, leaf against a node', () => {
    expect(() => tree.add({ a: null }, { a: 1 } as never)).toThrow(
      /tree\.a: tree has null but tree#2 has a number \(1\)/,
    )
    expect(() => tree.add({ a: [1] }, { a: 1 } as never)).toThrow(
      /tree\.a: tree has an array of length 1 but tree#2 has a number/,
    )
  })

  test('a number against a tensor: StructureError naming both sides', () => {
    const call = () => tree.add({ w: 1 } as PyTree, { w: tensor([1]) })
    expect(call).toThrow(StructureError)
    expect(call).toThrow(
      'tree.w is a number (1) but tree#2.w is a Tensor of shape [1]. Use tensors (or numbers) on both sides.',
    )
    expect(() => tree.add({ w: tensor([1, 2]) } as PyTree, { w: 1 })).toThrow(
      'tree.w is a Tensor of shape [2] but tree#2.w is a number',
    )
  })

  test('different shapes: ShapeError naming the path and both shapes', () => {
    const call = () => tree.mul({ l: [{ w: zeros([3, 4]) }] }, { l: [{ w: zeros([4, 3]) }] })
    expect(call).toThrow(ShapeError)
    expect(call).toThrow('tree.l[0].w: shape [3,4] vs tree#2 [4,3]')
  })

  test('the third tree of a map is named tree#3', () => {
    expect(() => tree.map((a) => a, { a: 1 }, { a: 1 }, { b: 1 })).toThrow(/tree#3/)
  })

  test.prop([arbPyTree(), arbPyTree()])('equalStructure agrees with comparing the TreeDefs', (a, b) => {
    const byDef = (x: PyTree, y: PyTree) => JSON.stringify(tree.structure(x)) === JSON.stringify(tree.structure(y))
    expect(tree.equalStructure(a, b)).toBe(byDef(a, b))
    expect(tree.equalStructure(a, a)).toBe(true)
    expect(tree.equalStructure(a, tree.zerosLike(a))).toBe(true)
  })

  test('equalStructure and errors: a number leaf and a tensor leaf have the same structure', () => {
    expect(tree.equalStructure({ a: 1 }, { a: tensor([1, 2]) })).toBe(true)
    expect(tree.equalStructure({ a: 1 }, { a: 1, b: 1 })).toBe(false)
  })
})

describe('map, mapWithPath, mapElementwise', () => {
  test('map applies f to the leaves of several trees', () => {
    const f = (a: Leaf, b: Leaf): Leaf => (a as number) * 10 + (b as number)
    expect(tree.map(f, { x: 1, y: [2, null] }, { x: 3, y: [4, null] })).toEqual({ x: 13, y: [24, null] })
  })

  test('mapWithPath passes the key path', () => {
    const out = tree.mapWithPath((p) => tree.keystr(p, 'p').length, { a: [0, { 'odd key': 0 }] })
    // 'p.a[0]' has 6 characters, 'p.a[1]["odd key"]' has 17
    expect(out).toEqual({ a: [6, { 'odd key': 17 }] })
  })

  test('mapElementwise on numbers returns numbers', () => {
    expect(tree.mapElementwise((a, b) => a * b, { a: 3, b: [0.5] }, { a: 4, b: [4] })).toEqual({ a: 12, b: [2] })
  })

  test('float32 + float32 stays float32, rounded once from the float64 result', () => {
    const out = tree.mapElementwise((a, b) => a + b, tensor([0.1, 1]), tensor([0.2, 2]))
    expect(out.dtype).toBe('float32')
    // fround(fround(0.1) + fround(0.2)): the sum is computed in float64 and stored in float32
    expect(values(out)).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2)), 3])
  })

  test('float32 with float64 promotes to float64 (either order)', () => {
    const a = tensor([0.1], 'float32')
    const b = tensor([0.2], 'float64')
    const ab = tree.mapElementwise((x, y) => x + y, a, b)
    const ba = tree.mapElementwise((x, y) => x + y, b, a)
    expect(ab.dtype).toBe('float64')
    expect(ba.dtype).toBe('float64')
    expect(values(ab)).toEqual([Math.fround(0.1) + 0.2])
    expect(tree.add({ w: a }, { w: b }).w.dtype).toBe('float64')
    expect(tree.mapElementwise((x) => x, tensor([1], 'float64')).dtype).toBe('float64')
  })

  test('mapElementwise keeps shapes and works with 4 or more trees', () => {
    const t = (v: number) =>
      tensor([
        [v, v + 1],
        [v + 2, v + 3],
      ])
    const out = tree.mapElementwise((a, b, c, d) => a + b + c + d, t(0), t(10), t(20), t(30))
    expect(out.shape).toEqual([2, 2])
    // element i: i + (10 + i) + (20 + i) + (30 + i) = 60 + 4i
    expect(out.toArray()).toEqual([
      [60, 64],
      [68, 72],
    ])
  })

  test('empty tensors map to empty tensors', () => {
    const out = tree.mapElementwise((x) => x + 1, zeros([0, 3]))
    expect(out.shape).toEqual([0, 3])
    expect(out.size).toBe(0)
  })
})

describe('arithmetic', () => {
  const a = { w: tensor([1, 2], 'float64'), s: 3 }
  const b = { w: tensor([4, -8], 'float64'), s: 0.5 }

  test('add, sub, mul, div leaf by leaf', () => {
    expectTreesEqual(tree.add(a, b), { w: tensor([5, -6], 'float64'), s: 3.5 })
    expectTreesEqual(tree.add(a, b, a), { w: tensor([6, -4], 'float64'), s: 6.5 })
    expectTreesEqual(tree.sub(a, b), { w: tensor([-3, 10], 'float64'), s: 2.5 })
    expectTreesEqual(tree.mul(a, b), { w: tensor([4, -16], 'float64'), s: 1.5 })
    expectTreesEqual(tree.mul(a, b, b), { w: tensor([16, 128], 'float64'), s: 0.75 })
    expectTreesEqual(tree.div(a, b), { w: tensor([0.25, -0.25], 'float64'), s: 6 })
  })

  test('scale and addScale', () => {
    expectTreesEqual(tree.scale(-2, a), { w: tensor([-2, -4], 'float64'), s: -6 })
    // x + s·y = (1 + 0.5·4, 2 + 0.5·(−8)), 3 + 0.5·0.5
    expectTreesEqual(tree.addScale(a, 0.5, b), { w: tensor([3, -2], 'float64'), s: 3.25 })
  })

  test('sum, max, min, size', () => {
    expect(tree.sum(a)).toBe(6)
    expect(tree.max(b)).toBe(4)
    expect(tree.min(b)).toBe(-8)
    expect(tree.size(a)).toBe(3)
  })

  test('max and min of an empty tree are -Infinity and +Infinity; NaN wins', () => {
    expect(tree.max(null)).toBe(-Infinity)
    expect(tree.min([])).toBe(Infinity)
    expect(tree.max({ a: tensor([1, NaN, 3]) })).toBeNaN()
    expect(tree.min({ a: 1, b: tensor([NaN]) })).toBeNaN()
    expect(tree.max({ a: NaN, b: 5 })).toBeNaN()
  })

  test('fullLike, zerosLike, onesLike keep shapes and dtypes (or take the given dtype)', () => {
    const t = { w: tensor([[1, 2, 3]], 'float64'), b: tensor([1]), s: 9, n: null }
    const z = tree.zerosLike(t)
    expect(z.w.dtype).toBe('float64')
    expect(z.w.toArray()).toEqual([[0, 0, 0]])
    expect(z.b.dtype).toBe('float32')
    expect(z.s).toBe(0)
    expect(z.n).toBeNull()
    expect(tree.onesLike(t).w.toArray()).toEqual([[1, 1, 1]])
    expect(tree.fullLike(t, 2.5, 'float32').w.dtype).toBe('float32')
    expect(tree.fullLike(t, 2.5).s).toBe(2.5)
  })

  test('clip clamps every element', () => {
    expectTreesEqual(tree.clip({ w: tensor([-5, 0.5, 5]), s: 7 }, -1, 1), { w: tensor([-1, 0.5, 1]), s: 1 })
    expectTreesEqual(tree.clip([-5], 0), [0])
  })

  test('cast changes tensor dtypes, rounding to float32', () => {
    const t = { w: tensor([0.1], 'float64'), s: 0.1 }
    const c = tree.cast(t, 'float32')
    expect(c.w.dtype).toBe('float32')
    expect(values(c.w)).toEqual([Math.fround(0.1)])
    expect(c.s).toBe(0.1)
    expect(tree.cast(tensor([1]), 'float64').dtype).toBe('float64')
  })

  test.prop([arbTreePair()])('add is commutative (bit for bit)', ([x, y]) => {
    expectTreesEqual(tree.add(x, y), tree.add(y, x))
  })

  test.prop([arbTreeTriple()])('add is associative within float tolerance', ([x, y, z]) => {
    // values are in [-100, 100]; each float32 rounding errs by at most 2^-24·300 < 2e-5
    expectTreesClose(tree.add(tree.add(x, y), z), tree.add(x, tree.add(y, z)), { rtol: 1e-6, atol: 1e-4 })
    expectTreesClose(tree.add(x, y, z), tree.add(x, tree.add(y, z)), { rtol: 1e-6, atol: 1e-4 })
  })

  test.prop([arbPyTree()])('sub(t, t) is zeros', (t) => {
    expectTreesEqual(tree.sub(t, t), tree.zerosLike(t))
  })

  test.prop([arbFloat64({ min: -10, max: 10 }), arbFloat64({ min: -10, max: 10 }), arbPyTree()])(
    'scale(a, scale(b, t)) ≈ scale(a·b, t)',
    (a, b, t) => {
      expectTreesClose(tree.scale(a, tree.scale(b, t)), tree.scale(a * b, t), { rtol: 1e-6, atol: 1e-30 })
    },
  )

  test.prop([arbTreePair(), arbFloat64({ min: -10, max: 10 })])('addScale(x, s, y) = x + s·y', ([x, y], s) => {
    const x64 = tree.cast(x, 'float64')
    const y64 = tree.cast(y, 'float64')
    expectTreesClose(tree.addScale(x64, s, y64), tree.add(x64, tree.scale(s, y64)), { rtol: 1e-12, atol: 1e-12 })
  })
})

describe('norm, vdot', () => {
  // 3² + 4² + 12² = 169
  const t = { a: tensor([3, -4]), b: -12, c: null }

  test('ord 2 (default), squared, ord 1, ord Infinity on a hand case', () => {
    expect(tree.norm(t)).toBe(13)
    expect(tree.norm(t, { ord: 2 })).toBe(13)
    expect(tree.norm(t, { squared: true })).toBe(169)
    expect(tree.norm(t, { ord: 1 })).toBe(19)
    expect(tree.norm(t, { ord: Infinity })).toBe(12)
  })

  test('the norm of an empty tree is 0 for every ord', () => {
    for (const ord of [1, 2, Infinity] as const) {
      expect(tree.norm(null, { ord })).toBe(0)
      expect(tree.norm({ a: [] }, { ord })).toBe(0)
      expect(tree.norm(zeros([0]), { ord })).toBe(0)
    }
  })

  test('an unsupported ord is a RangeError', () => {
    expect(() => tree.norm(t, { ord: 3 as never })).toThrow(RangeError)
    expect(() => tree.norm(t, { ord: 3 as never })).toThrow('tree.norm options.ord must be 1, 2 or Infinity; got 3')
  })

  test('norm is accumulated in float64 even for float32 leaves', () => {
    // 2^24 + 1 is not a float32, but the sum of squares must not be rounded to float32
    const big = tensor([4096, 1]) // 4096² + 1² = 2^24 + 1
    expect(tree.norm(big, { squared: true })).toBe(2 ** 24 + 1)
  })

  test('NaN in a leaf makes every norm NaN', () => {
    const n = { a: tensor([1, NaN]) }
    expect(tree.norm(n)).toBeNaN()
    expect(tree.norm(n, { ord: 1 })).toBeNaN()
    expect(tree.norm(n, { ord: Infinity })).toBeNaN()
    expect(tree.norm([NaN, 1], { ord: Infinity })).toBeNaN()
  })

  test.prop([arbPyTree()])('norm matches a float64 recomputation for ord 1, 2, Infinity and squared', (x) => {
    const xs = elements(x)
    const sq = xs.reduce((s, v) => s + v * v, 0)
    const l1 = xs.reduce((s, v) => s + Math.abs(v), 0)
    const li = xs.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    expect(tree.norm(x, { squared: true })).toBeCloseTo(sq, 9)
    expect(Math.abs(tree.norm(x) - Math.sqrt(sq))).toBeLessThanOrEqual(1e-12 * Math.sqrt(sq))
    expect(Math.abs(tree.norm(x, { ord: 1 }) - l1)).toBeLessThanOrEqual(1e-12 * l1)
    expect(tree.norm(x, { ord: Infinity })).toBe(li)
  })

  test('vdot on a hand case, with mixed dtypes', () => {
    // 1·3 + 2·4 + 3·2 = 17
    expect(tree.vdot({ w: tensor([1, 2]), s: 3 }, { w: tensor([3, 4], 'float64'), s: 2 })).toBe(17)
    expect(tree.vdot(null, null)).toBe(0)
  })

  test('vdot of mismatched trees names a and b', () => {
    expect(() => tree.vdot({ w: tensor([1, 2]) }, { w: tensor([1, 2, 3]) })).toThrow('w: shape [2] vs b [3]')
    expect(() => tree.vdot({ w: 1 }, { v: 1 })).toThrow(/a has \{w\} but b has \{v\}/)
  })

  test.prop([arbPyTree()])('vdot(t, t) = norm(t)²', (x) => {
    const n = tree.norm(x)
    expect(Math.abs(tree.vdot(x, x) - n * n)).toBeLessThanOrEqual(1e-12 * n * n)
  })

  test.prop([arbTreePair()])('Cauchy–Schwarz: |vdot(a, b)| ≤ norm(a)·norm(b)', ([x, y]) => {
    expect(Math.abs(tree.vdot(x, y))).toBeLessThanOrEqual(tree.norm(x) * tree.norm(y) * (1 + 1e-12))
  })

  const arbC = arbFloat64({ min: -10, max: 10 })
  test.prop([arbC, arbPyTree({ dtype: 'float64' })])('norm(scale(c, t)) = |c|·norm(t)', (c, x) => {
    const lhs = tree.norm(tree.scale(c, x))
    const rhs = Math.abs(c) * tree.norm(x)
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-12 * rhs + 1e-300)
  })

  test.prop([arbFloat64({ min: -10, max: 10 }), arbPyTree({ dtype: 'float32' })])(
    'norm(scale(c, t)) ≈ |c|·norm(t) for float32 leaves (one rounding per element)',
    (c, x) => {
      const lhs = tree.norm(tree.scale(c, x))
      const rhs = Math.abs(c) * tree.norm(x)
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-6 * rhs + 1e-30)
    },
  )
})

describe('moments', () => {
  test('updateMoment order 1: (1 − d)·g + d·m', () => {
    const g = { w: tensor([2, -4], 'float64'), s: 10 }
    const m = { w: tensor([1, 1], 'float64'), s: 0 }
    const out = tree.updateMoment(g, m, 0.9, 1)
    // 0.1·2 + 0.9·1 = 1.1; 0.1·(−4) + 0.9·1 = 0.5; 0.1·10 + 0 = 1
    expectTreesClose(out, { w: tensor([1.1, 0.5], 'float64'), s: 1 }, { rtol: 1e-15, atol: 0 })
  })

  test('updateMoment order 2: (1 − d)·g² + d·m', () => {
    const g = { w: tensor([2, -4], 'float64'), s: 10 }
    const m = { w: tensor([1, 1], 'float64'), s: 0 }
    const out = tree.updateMoment(g, m, 0.9, 2)
    // 0.1·4 + 0.9 = 1.3; 0.1·16 + 0.9 = 2.5; 0.1·100 = 10
    expectTreesClose(out, { w: tensor([1.3, 2.5], 'float64'), s: 10 }, { rtol: 1e-15, atol: 0 })
  })

  test('updateMoment order 3 keeps the sign; updateMomentPerElemNorm uses |g|', () => {
    // 0.5·(−2)³ + 0.5·0 = −4; 0.5·|−2|³ = 4
    expect(tree.updateMoment([-2], [0], 0.5, 3)).toEqual([-4])
    expect(tree.updateMomentPerElemNorm([-2], [0], 0.5, 3)).toEqual([4])
    expect(tree.updateMomentPerElemNorm([-2], [0], 0.5, 1)).toEqual([1])
    expect(tree.updateMomentPerElemNorm([-2], [1], 0.5, 2)).toEqual([2.5])
  })

  test('updateMoment with decay 0 is gᵒʳᵈᵉʳ; with zero gradients it decays m', () => {
    expect(tree.updateMoment([3], [100], 0, 2)).toEqual([9])
    expect(tree.updateMoment([0], [8], 0.25, 1)).toEqual([2])
  })

  test('updateMoment keeps float32 and rounds once', () => {
    const out = tree.updateMoment(tensor([0.3]), tensor([0.7]), 0.9, 1)
    expect(out.dtype).toBe('float32')
    expect(values(out)).toEqual([Math.fround(0.1 * Math.fround(0.3) + 0.9 * Math.fround(0.7))])
  })

  test('updateMoment names updates and moments in errors; null subtrees pass', () => {
    expect(() => tree.updateMoment({ w: tensor([1, 2]) }, { w: tensor([1]) }, 0.9, 1)).toThrow(
      'updates.w: shape [2] vs moments [1]',
    )
    expect(tree.updateMoment({ a: null, b: 1 }, { a: null, b: 1 }, 0.5, 2)).toEqual({ a: null, b: 1 })
  })

  test('updateInfinityMoment: max(|g| + eps, d·m)', () => {
    // max(2 + 0.1, 0.5·1) = 2.1; max(0.5 + 0.1, 0.5·4) = 2
    expectTreesClose(tree.updateInfinityMoment([-2, 0.5], [1, 4], 0.5, 0.1), [2.1, 2], { rtol: 1e-15, atol: 0 })
  })

  test('biasCorrection divides by 1 − dᶜᵒᵘⁿᵗ', () => {
    // 1 − 0.9 = 0.1 ⇒ 0.1 / 0.1 = 1; 1 − 0.81 = 0.19
    expectTreesClose(tree.biasCorrection([0.1], 0.9, 1), [1], { rtol: 1e-15, atol: 0 })
    expectTreesClose(tree.biasCorrection([0.1], 0.9, 2), [0.1 / 0.19], { rtol: 1e-15, atol: 0 })
    // 1 − 0.999³ = 0.002997001
    const out = tree.biasCorrection({ v: tensor([3], 'float64') }, 0.999, 3)
    expectTreesClose(out, { v: tensor([3 / 0.002997001], 'float64') }, { rtol: 1e-12, atol: 0 })
  })

  test('biasCorrection keeps float32 and applies the float64 factor', () => {
    const out = tree.biasCorrection(tensor([0.1]), 0.9, 2)
    expect(out.dtype).toBe('float32')
    expect(values(out)[0]).toBe(Math.fround(Math.fround(0.1) / (1 - 0.9 ** 2)))
  })

  test('biasCorrection after many steps is the identity', () => {
    expectTreesClose(tree.biasCorrection([5], 0.5, 2000), [5], { rtol: 1e-15, atol: 0 })
  })
})

describe('where and masks', () => {
  const x = { a: { p: 1, q: tensor([1, 1]) }, b: 1, n: null }
  const y = { a: { p: 2, q: tensor([2, 2]) }, b: 2, n: null }

  test('a single boolean selects a whole tree', () => {
    expect(tree.where(true, x, y)).toEqual(x)
    expect(tree.where(false, x, y)).toEqual(y)
  })

  test('a prefix mask: one boolean stands for a whole subtree', () => {
    const out = tree.where({ a: true, b: false, n: null }, x, y)
    expect(out.a.p).toBe(1)
    expect(values(out.a.q)).toEqual([1, 1])
    expect(out.b).toBe(2)
    expect(out.n).toBeNull()
    const out2 = tree.where({ a: { p: false, q: true }, b: true, n: true }, x, y)
    expect(out2).toEqual({ a: { p: 2, q: x.a.q }, b: 1, n: null })
  })

  test('a mask that is not a prefix is a StructureError naming condition and params', () => {
    expect(() => tree.where({ a: true }, x, y)).toThrow(StructureError)
    expect(() => tree.where({ a: true }, x, y)).toThrow(
      'condition has keys [a] but the params at params have keys [a, b, n]',
    )
    expect(() => tree.where({ a: [true], b: true, n: null } as MaskTree, x, y)).toThrow(/condition\.a is array/)
  })

  test('a non-boolean leaf in a mask is an InvalidTreeError', () => {
    expect(() => tree.where({ a: 1, b: true, n: null } as never, x, y)).toThrow(InvalidTreeError)
    expect(() => tree.where({ a: 1, b: true, n: null } as never, x, y)).toThrow('condition.a must be a boolean; got 1')
  })

  test('x and y must match', () => {
    expect(() => tree.where(true, { a: 1 }, { b: 1 } as never)).toThrow(/x has \{a\} but y has/)
  })

  test('broadcastMask expands a prefix mask to the full structure', () => {
    expect(tree.broadcastMask({ a: true, b: false, n: null }, x)).toEqual({
      a: { p: true, q: true },
      b: false,
      n: null,
    })
    expect(tree.broadcastMask(false, [1, [2, null]])).toEqual([false, [false, null]])
  })

  test.prop([arbTreeWithMask().chain(([t, m]) => arbTreeLike(t).map((u) => [t, u, m] as const))])(
    'where picks x exactly where the broadcast mask is true',
    ([t, u, m]) => {
      const full = tree.broadcastMask(m, t)
      const out = tree.where(m, t, u)
      const picks = tree.leaves(full as PyTree)
      const [ts, us, os] = [tree.leaves(t), tree.leaves(u), tree.leaves(out)]
      expect(picks.length).toBe(os.length)
      os.forEach((o, i) => expect(o).toBe(picks[i] ? ts[i] : us[i]))
    },
  )
})

describe('allClose and allFinite', () => {
  test('|a − b| ≤ atol + rtol·|b|, relative to b', () => {
    expect(tree.allClose([1], [1 + 1e-6])).toBe(true)
    expect(tree.allClose([1], [1.001])).toBe(false)
    // tolerance is relative to the second argument only (numpy semantics)
    expect(tree.allClose([0], [1e-3], { rtol: 1, atol: 0 })).toBe(true)
    expect(tree.allClose([1e-3], [0], { rtol: 1, atol: 0 })).toBe(false)
    expect(tree.allClose([0], [1e-9])).toBe(true) // default atol 1e-8
    expect(tree.allClose([0], [1e-7])).toBe(false)
  })

  test('NaN is never close, not even to NaN', () => {
    expect(tree.allClose([NaN], [NaN])).toBe(false)
    expect(tree.allClose({ w: tensor([1, NaN]) }, { w: tensor([1, NaN]) })).toBe(false)
    expect(tree.allClose([NaN], [1], { atol: Infinity })).toBe(false)
  })

  test('equal infinities are close (numpy semantics); opposite ones are not', () => {
    expect(tree.allClose([Infinity], [Infinity])).toBe(true)
    expect(tree.allClose([-Infinity], [-Infinity])).toBe(true)
    expect(tree.allClose([Infinity], [-Infinity])).toBe(false)
    expect(tree.allClose([Infinity], [1e300])).toBe(false)
    expect(tree.allClose([1e300], [Infinity])).toBe(false)
    expect(tree.allClose([1], [Infinity], { atol: Infinity })).toBe(false)
  })

  test('empty trees are close; structures must match; dtypes may differ', () => {
    expect(tree.allClose(null, null)).toBe(true)
    expect(tree.allClose({ a: [] }, { a: [] })).toBe(true)
    expect(() => tree.allClose({ a: 1 }, { b: 1 })).toThrow(StructureError)
    expect(tree.allClose(tensor([0.5]), tensor([0.5], 'float64'))).toBe(true)
  })

  test.prop([arbPyTree()])('every tree is close to itself', (t) => {
    expect(tree.allClose(t, t, { rtol: 0, atol: 0 })).toBe(true)
  })

  test('allFinite', () => {
    expect(tree.allFinite({ w: tensor([1, 2]), s: 3, n: null })).toBe(true)
    expect(tree.allFinite({ w: tensor([1, NaN]) })).toBe(false)
    expect(tree.allFinite({ w: tensor([1, Infinity]) })).toBe(false)
    expect(tree.allFinite([1, -Infinity])).toBe(false)
    expect(tree.allFinite(null)).toBe(true)
  })
})

describe('get and set', () => {
  const params = { layers: [{ w: 1 }, { w: tensor([2]), b: 3 }], 'layer 1': { k: 4 }, n: null }

  test('get with a string path and with an array path', () => {
    expect(tree.get(params, 'layers[1].b')).toEqual(O.some(3))
    expect(tree.get(params, ['layers', 1, 'b'])).toEqual(O.some(3))
    expect(tree.get(params, '["layer 1"].k')).toEqual(O.some(4))
    expect(tree.get(params, ['layer 1', 'k'])).toEqual(O.some(4))
    expect(tree.get(params, 'layers[0]')).toEqual(O.some({ w: 1 }))
    expect(tree.get(params, [])).toEqual(O.some(params))
    expect(tree.get(params, 'n')).toEqual(O.some(null))
  })

  test('get of a missing path is none', () => {
    expect(O.isNone(tree.get(params, 'layers[5]'))).toBe(true)
    expect(O.isNone(tree.get(params, 'missing'))).toBe(true)
    expect(O.isNone(tree.get(params, ['layers', 'w']))).toBe(true)
    expect(O.isNone(tree.get(params, ['layers', 0, 'w', 'deeper']))).toBe(true)
    expect(O.isNone(tree.get(params, 'layers[1].w.shape'))).toBe(true)
    expect(O.isNone(tree.get(params, 'toString'))).toBe(true)
    expect(O.isNone(tree.get(params, ['n', 'x']))).toBe(true)
  })

  test('set returns a copy with one subtree replaced and never mutates its input', () => {
    const out = expectInputsUnchanged(() => tree.set(params, 'layers[1].b', 30), params)
    expect(out.layers[1]).toEqual({ w: params.layers[1]!.w, b: 30 })
    expect(params.layers[1]!.b).toBe(3)
    expect(out.layers[0]).toEqual({ w: 1 })
    const out2 = tree.set(params, ['layer 1', 'k'], [5, 6])
    expect(out2['layer 1']).toEqual({ k: [5, 6] })
    expect(params['layer 1']).toEqual({ k: 4 })
    expect(tree.set(params, [], 7)).toBe(7)
  })

  test('set of a missing path is a StructureError naming it', () => {
    expect(() => tree.set(params, 'layers[2].w', 1)).toThrow(StructureError)
    expect(() => tree.set(params, 'layers[2].w', 1)).toThrow('tree.set: tree.layers[2] does not exist.')
    expect(() => tree.set(params, ['nope'], 1)).toThrow('tree.nope does not exist')
  })

  test.prop([arbPyTree(), arbFloat64()])('set then get returns the new value; other leaves are kept', (t, v) => {
    const [pairs] = tree.flattenWithPath(t)
    for (const [path] of pairs) {
      const out = expectInputsUnchanged(() => tree.set(t, path, v), t)
      expect(tree.get(out, path)).toEqual(O.some(v))
      const [outPairs] = tree.flattenWithPath(out)
      outPairs.forEach(([p, l], i) => {
        if (tree.keystr(p) !== tree.keystr(path)) expect(l).toBe(pairs[i]![1])
      })
    }
  })
})

describe('no input is modified', () => {
  test.prop([arbTreeTriple(), arbTreeWithMask()])('no tree function modifies its inputs', ([x, y, z], [t, m]) => {
    const calls: readonly (() => unknown)[] = [
      () => tree.map((l) => l, x, y),
      () => tree.mapElementwise((a, b, c) => a * b + c, x, y, z),
      () => tree.add(x, y, z),
      () => tree.sub(x, y),
      () => tree.mul(x, y),
      () => tree.div(x, y),
      () => tree.scale(3, x),
      () => tree.addScale(x, 2, y),
      () => tree.vdot(x, y),
      () => tree.norm(x),
      () => tree.sum(x),
      () => tree.updateMoment(x, y, 0.9, 2),
      () => tree.updateMomentPerElemNorm(x, y, 0.9, 1),
      () => tree.updateInfinityMoment(x, y, 0.9, 1e-8),
      () => tree.biasCorrection(x, 0.9, 3),
      () => tree.where(m, t, tree.zerosLike(t)),
      () => tree.clip(x, -1, 1),
      () => tree.cast(x, 'float64'),
      () => tree.cast(x, 'float32'),
      () => tree.allClose(x, y),
      () => tree.zerosLike(x),
      () => tree.flatten(x),
    ]
    for (const call of calls) expectInputsUnchanged(call, x, y, z, t, m)
  })

  test('results never share storage with the inputs (writing the output leaves the input intact)', () => {
    const x = { w: tensor([1, 2, 3]) }
    const out = tree.cast(x, 'float32')
    expect(out.w.data).not.toBe(x.w.data)
    const scaled = tree.scale(1, x)
    expect(scaled.w.data).not.toBe(x.w.data)
  })
})

describe('dtype errors', () => {
  test('an unknown dtype is a DTypeError', () => {
    expect(() => tree.zerosLike({ w: tensor([1]) }, 'int32' as never)).toThrow(DTypeError)
    expect(() => tree.cast({ w: tensor([1]) }, 'float16' as never)).toThrow(DTypeError)
  })
})

describe('types of leaves', () => {
  test('tree functions return numbers for number leaves and tensors for tensor leaves', () => {
    const t: { w: Tensor; s: number } = { w: tensor([1]), s: 1 }
    const out = tree.scale(2, t)
    expect(isTensor(out.w)).toBe(true)
    expect(typeof out.s).toBe('number')
    const leaf: Leaf = tree.leaves(out)[0]!
    expect(leaf).toBe(out.s)
    expectSameStructure(out, t)
  })

  test('fractional values are stored in float32 (rounded)', () => {
    expect(values(tree.scale(0.1, tensor([1])))).toEqual(f32([0.1]))
  })
})

describe('closure-free add / sub / scale / addScale / updateMoment agree bit for bit with the per-element closures', () => {
  const special = [0, -0, 1, -1.5, 1e-30, 3e38, -3e38, Infinity, -Infinity, NaN, 0.1, 1 / 3]
  const arb = fc.array(fc.oneof(fc.double(), fc.constantFrom(...special)), { minLength: 1, maxLength: 40 })
  const bits = (t: unknown) =>
    JSON.stringify(t, (_, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as Float64Array, (x) => (Object.is(x, -0) ? '-0' : String(x))) : v,
    )
  test.prop([arb, fc.double(), fc.constantFrom('float32', 'float64'), fc.constantFrom('float32', 'float64')])(
    'on mixed dtypes, signed zeros, infinities and NaN',
    (xs, s, da, db) => {
      const a = { w: tensor(xs, da), n: xs[0]! }
      const b = {
        w: tensor(
          xs.map((x) => x * 0.7 - 1),
          db,
        ),
        n: xs[0]! - 2,
      }
      const pairs: [unknown, unknown][] = [
        [tree.add(a, b), tree.mapElementwise((x, y) => x + y, a, b)],
        [tree.sub(a, b), tree.mapElementwise((x, y) => x - y, a, b)],
        [tree.scale(s, a), tree.mapElementwise((x) => s * x, a)],
        [tree.addScale(a, s, b), tree.mapElementwise((x, y) => x + s * y, a, b)],
        [tree.updateMoment(a, b, 0.9, 1), tree.mapElementwise((g, m) => (1 - 0.9) * g + 0.9 * m, a, b)],
        [tree.updateMoment(a, b, 0.999, 2), tree.mapElementwise((g, m) => (1 - 0.999) * (g * g) + 0.999 * m, a, b)],
      ]
      for (const [fast, ref] of pairs) {
        expect(bits(fast)).toBe(bits(ref))
        expect((fast as { w: Tensor }).w.dtype).toBe((ref as { w: Tensor }).w.dtype)
      }
    },
  )
})
