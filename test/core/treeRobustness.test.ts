import * as E from 'fp-ts/Either'
import { describe, expect, test } from 'vitest'
import {
  DescentError,
  InvalidTreeError,
  type PyTree,
  StructureError,
  adam,
  adamw,
  applyUpdates,
  isTensor,
  applyGradients,
  initTrainState,
  lbfgs,
  sgd,
  tensor,
  tree,
} from '../../src/index'

// Issue 14: traversal without a recursion limit, cycles refused by path, __proto__ keys as data, tensors that JSON
// cannot forge, booleans and sparse holes refused by path.

/** { a: { a: … { a: leaf } } } nested `depth` levels deep, built without recursion. */
function deep(depth: number, leaf: PyTree | boolean = 1, key = 'a'): PyTree {
  let t = leaf as PyTree
  for (let i = 0; i < depth; i++) t = i % 2 === 0 ? { [key]: t } : [t]
  return t
}

describe('deep trees: no recursion limit, linear time', () => {
  test('depth 10,000 works in every tree function', () => {
    const t = deep(10_000, tensor([1, 2]))
    expect(tree.leaves(t)).toHaveLength(1)
    expect(tree.size(t)).toBe(2)
    expect(tree.norm(tree.add(t, t), { squared: true })).toBe(20)
    expect(tree.equalStructure(t, tree.zerosLike(t))).toBe(true)
    const [ls, def] = tree.flatten(t)
    expect(tree.equalStructure(tree.unflatten(def, ls), t)).toBe(true)
    expect(tree.flattenWithPath(t)[0][0]![0]).toHaveLength(10_000)
    // (vitest's toEqual recurses, so compare through our own iterative functions)
    const mask = tree.broadcastMask(deep(10_000, true) as never, t)
    expect(tree.equalStructure(mask as PyTree, t)).toBe(true)
    expect(tree.leaves(mask as PyTree)).toEqual([true])
    expect(E.isRight(tree.validateE(t))).toBe(true)
    const [u] = sgd(0.5).update(t, sgd(0.5).init(t), t)
    const [l] = tree.leaves(applyUpdates(t, u))
    expect(isTensor(l) && l.toArray()).toEqual([0.5, 1])
  })

  // Linear time is measured, not asserted (timings are no test verdict on a shared machine): the depth rows of
  // `npx tsx test/core/treeTraversal.bench.ts` print µs per level at depths 2,000 to 32,000.
  test('depth 100,000 works and keeps every value (a recursive walk would overflow the stack)', () => {
    const t = deep(100_000, tensor([0.25, 0.5]))
    const l = tree.leaves(tree.add(t, t))
    expect(l).toHaveLength(1)
    expect(isTensor(l[0]) && l[0].toArray()).toEqual([0.5, 1])
  })
})

describe('cycles', () => {
  test('a cyclic tree is an InvalidTreeError naming where the cycle closes', () => {
    const a: Record<string, unknown> = { w: 1, layers: [{ b: 2 }] }
    ;((a.layers as unknown[])[0] as Record<string, unknown>).back = a
    const t = a as PyTree
    const calls = [
      () => tree.leaves(t),
      () => tree.structure(t),
      () => tree.map((x) => x, t),
      () => tree.add(t, t),
      () => tree.norm(t),
      () => tree.validate(t, 'tree'),
      () => sgd(0.1).update(t, sgd(0.1).init({ w: 1 }) as never),
    ]
    for (const call of calls) {
      expect(call).toThrow(InvalidTreeError)
      expect(call).toThrow('tree.layers[0].back is the same object as its ancestor tree: the tree has a cycle')
    }
    expect(E.isLeft(tree.validateE(t))).toBe(true)
    expect(() => tree.equalStructure(t, t)).toThrow(/^a\.layers\[0\]\.back is the same object as its ancestor a:/)
  })

  test('a cycle deeper than the scan depth is still found, and shared (acyclic) subtrees are fine', () => {
    const root: Record<string, unknown> = {}
    let node = root
    for (let i = 0; i < 100; i++) node = node.c = {}
    node.loop = root.c
    expect(() => tree.leaves(root as PyTree)).toThrow(/the same object as its ancestor tree\.c: the tree has a cycle/)
    const shared = { w: tensor([1]) }
    expect(tree.leaves({ a: shared, b: [shared, shared] })).toHaveLength(3)
  })

  test('a cyclic mask or params in broadcastMask is refused', () => {
    const m: Record<string, unknown> = { a: true }
    m.self = m
    const p: Record<string, unknown> = { a: 1 }
    p.self = p
    expect(() => tree.broadcastMask(m as never, p as never)).toThrow(InvalidTreeError)
  })
})

describe('__proto__, constructor and prototype keys are data', () => {
  const json = '{"__proto__": {"polluted": 1}, "constructor": 2, "prototype": {"w": 3}, "w": 4}'

  test('tree.map, leaves and structure keep an own __proto__ key; nothing is polluted', () => {
    const params = JSON.parse(json) as PyTree
    const out = tree.map((x) => (x as number) * 10, params) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'constructor', 'prototype', 'w'])
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')!.value).toEqual({ polluted: 10 })
    expect(out.polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(out.constructor).toBe(20)
    expect(tree.leaves(params)).toEqual([1, 2, 3, 4])
    const [ls, def] = tree.flatten(params)
    const back = tree.unflatten(def, ls) as Record<string, unknown>
    expect(Object.hasOwn(back, '__proto__')).toBe(true)
    expect(back.polluted).toBeUndefined()
    expect(tree.equalStructure(back as PyTree, params)).toBe(true)
  })

  test('an sgd update and applyUpdates round-trip params from JSON.parse', () => {
    const params = JSON.parse(json) as PyTree
    const grads = JSON.parse(json) as PyTree
    const opt = sgd(0.1, { momentum: 0.9 })
    const [u] = opt.update(grads, opt.init(params), params)
    const next = applyUpdates(params, u) as Record<string, unknown>
    for (const t of [u as Record<string, unknown>, next]) {
      expect(Object.getPrototypeOf(t)).toBe(Object.prototype)
      expect(t.polluted).toBeUndefined()
      expect(Object.hasOwn(t, '__proto__')).toBe(true)
    }
    expect(Object.getOwnPropertyDescriptor(u, '__proto__')!.value).toEqual({ polluted: -0.1 })
    expect(Object.getOwnPropertyDescriptor(next, '__proto__')!.value.polluted).toBeCloseTo(0.9, 12)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  test('broadcastMask keeps an own __proto__ key', () => {
    const params = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as PyTree
    const mask = JSON.parse('{"__proto__": true, "y": false}')
    const m = tree.broadcastMask(mask, params) as Record<string, unknown>
    expect(Object.getOwnPropertyDescriptor(m, '__proto__')!.value).toEqual({ x: true })
    expect(m.x).toBeUndefined()
  })
})

describe('tensors cannot be forged by JSON', () => {
  test('a JSON-round-tripped or structuredClone-d tensor is not a tensor, and trees say to use loadCheckpoint', () => {
    const t = tensor([1, 2])
    for (const fake of [JSON.parse(JSON.stringify(t)), structuredClone(t)]) {
      expect(isTensor(fake)).toBe(false)
      const params = { w: fake } as PyTree
      for (const call of [
        () => tree.validate(params, 'params'),
        () => tree.leaves(params),
        () => sgd(0.1).update(params, sgd(0.1).init(params)),
      ]) {
        expect(call).toThrow(InvalidTreeError)
        expect(call).toThrow(/w is a serialised tensor \(_tag 'Tensor'\): restore it with loadCheckpoint/)
      }
    }
  })

  test('isTensor is structural for tensors made elsewhere: typed storage of the shape size and the methods', () => {
    const t = tensor([1, 2, 3])
    const like = (o: object): object => ({ _tag: 'Tensor', toArray: () => [], ...o })
    expect(isTensor(like({ data: new Float32Array(3), shape: [3] }))).toBe(true)
    expect(isTensor(like({ data: new Float32Array(3), shape: [2] }))).toBe(false)
    expect(isTensor(like({ data: [1, 2, 3], shape: [3] }))).toBe(false)
    expect(isTensor(like({ data: new Int32Array(3), shape: [3] }))).toBe(false)
    expect(isTensor({ _tag: 'Tensor', data: new Float32Array(3), shape: [3] })).toBe(false)
    expect(isTensor(t)).toBe(true)
  })
})

describe('booleans, holes, wrong containers: an error with a path, never a TypeError', () => {
  test('a boolean leaf in params names its path in tree.map and in optimizers', () => {
    const params = { a: [1, true] } as never as PyTree
    const calls = [
      () => tree.map((x) => x, params),
      () => tree.mapWithPath((_, x) => x, params),
      () => sgd(0.1).update(params, sgd(0.1).init({ a: [1, 1] })),
      () => adam(0.1).update(params, adam(0.1).init({ a: [1, 1] })),
      () => applyUpdates({ a: [1, 1] }, params),
    ]
    for (const call of calls) {
      expect(call).toThrow(InvalidTreeError)
      expect(call).toThrow(/a\[1\] is a boolean/)
    }
  })

  test('a sparse array hole is refused with its path', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holey = { w: [1, , 3] } as never as PyTree
    for (const call of [
      () => tree.leaves(holey),
      () => tree.add(holey, holey),
      () => tree.add({ w: [1, 2, 3] }, holey),
      () => tree.validate(holey, 'params'),
      () => sgd(0.1).update(holey, sgd(0.1).init(holey)),
    ]) {
      expect(call).toThrow(InvalidTreeError)
      expect(call).toThrow(/w\[1\] is a hole in a sparse array/)
    }
  })

  test('validateE and unflattenE put only DescentErrors in Left', () => {
    const bad = [
      () => tree.unflattenE({ kind: 'bogus' } as never, []),
      () => tree.unflattenE(null as never, []),
      () => tree.unflattenE(tree.structure([1]), 'x' as never),
      () => tree.unflattenE({ kind: 'object', keys: ['a'], children: [] } as never, []),
      () => tree.validateE({ w: 'x' } as never),
      () => tree.validateE({ w: true } as never),
    ]
    for (const call of bad) {
      const r = call()
      expect(E.isLeft(r)).toBe(true)
      expect((r as E.Left<unknown>).left).toBeInstanceOf(DescentError)
    }
  })
})

describe('chain: a state from another optimizer names both sides', () => {
  const p = { w: tensor([1, 2]) }
  const g = { w: tensor([0.5, 0.5]) }

  test('adamw given adam state: 3 slots expected, 2 given (the fused path is gone: chain checks it)', () => {
    const tx = adamw(1e-3)
    tx.init(p)
    expect(() => tx.update(g, adam(1e-3).init(p) as never, p)).toThrow(StructureError)
    expect(() => tx.update(g, adam(1e-3).init(p) as never, p)).toThrow(
      "chain: expected this chain's 3-slot state [{count, mu, nu}, {}, {}]; got a 2-slot state [{count, mu, nu}, {}]",
    )
    // a fresh instance whose init was never called still knows the expected shape
    expect(() => adamw(1e-3).update(g, {} as never, p)).toThrow(/expected this chain's 3-slot state .*; got \{\}/)
    expect(() => adam(1e-3).update(g, {} as never, p)).toThrow(StructureError)
  })

  test('a slot of the wrong kind is named', () => {
    const tx = sgd(0.1, { momentum: 0.9 })
    const s = tx.init(p)
    expect(() => tx.update(g, [adam(0.1).init(p)[0], s[1]] as never, p)).toThrow(
      /chain: slot 0 of the state should be \{trace\}; got \{count, mu, nu\}\. .*Pass the state returned/,
    )
    expect(() => tx.update(g, [undefined, s[1]] as never, p)).toThrow(/slot 0 .* got undefined/)
  })

  test('the chain state check does not fire on valid states across steps and params structures', () => {
    const tx = adam(0.1)
    let s = tx.init(p)
    for (let i = 0; i < 3; i++) s = tx.update(g, s, p)[1]
    const q = { a: 1, b: [tensor([1])] }
    expect(() => tx.update(q, tx.init(q), q)).not.toThrow()
  })
})

describe('issue 14 item 1: lbfgs state never aliases donated params (donation lives only in src/train)', () => {
  test('applyUpdates takes no donate option and never writes its inputs; lbfgs converges as without donation', () => {
    expect(applyUpdates.length).toBe(2)
    const f = (x: PyTree): number => tree.sum(tree.mapElementwise((v) => (v - 3) ** 2, x))
    const gradF = (x: PyTree): PyTree => tree.mapElementwise((v) => 2 * (v - 3), x)
    const opt = lbfgs(1, { linesearch: null, memorySize: 3 })
    let params: PyTree = { w: tensor([0, 1, -2]) }
    let state = opt.init(params)
    for (let i = 0; i < 30; i++) {
      const before = (params as unknown as { w: { data: Float32Array } }).w.data.slice()
      const [u, s] = opt.update(gradF(params), state, params, { value: f(params) })
      // @ts-expect-error -- applyUpdates has no options: donation is the train layer's
      const next = applyUpdates(params, u, { donate: true })
      expect((params as unknown as { w: { data: Float32Array } }).w.data).toEqual(before)
      params = next
      state = s
    }
    expect(f(params)).toBeLessThan(1e-6)
  })

  test("the train layer's donation with lbfgs (whose state holds the params) gives the undonated trajectory", () => {
    const gradF = (x: PyTree): PyTree => tree.mapElementwise((v) => 2 * (v - 3), x)
    const run = (donate: boolean): PyTree => {
      const opt = lbfgs(1, { linesearch: null, memorySize: 3 })
      const step = applyGradients(opt, { donate })
      let s = initTrainState({ w: tensor([0, 1, -2]) } as PyTree, opt)
      for (let i = 0; i < 30; i++) s = step(s, gradF(s.params))
      return s.params
    }
    const plain = run(false)
    expect(tree.allClose(run(true), plain, { rtol: 0, atol: 0 })).toBe(true)
    expect(tree.allClose(plain, { w: tensor([3, 3, 3]) }, { atol: 1e-5 })).toBe(true)
  })
})

describe('tensor() never builds a tensor whose storage does not fit its shape', () => {
  test('holes and non-numbers are DTypeErrors naming the element', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([1, , 3] as never)).toThrow(/tensor\(\): \[1\] is a hole in a sparse array/)
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([[1], [,]] as never)).toThrow(/\[1\]\[0\] is a hole/)
    expect(() => tensor(['x', 1] as never, [2])).toThrow(/\[0\] is string \(x\); expected a number/)
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([1, , 3] as never, [3])).toThrow(/\[1\] is a hole/)
    expect(() =>
      tensor([
        [1, 2],
        [3, 'a'],
      ] as never),
    ).toThrow(/\[1\]\[1\] is string/)
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(tensor([]).shape).toEqual([0])
    expect(tensor([[]]).shape).toEqual([1, 0])
  })
})
