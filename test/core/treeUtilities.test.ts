import { describe, expect, it } from 'vitest'
import {
  type Tensor,
  adam,
  masked,
  prngKey,
  randomNormal,
  splitKey,
  tensor,
  tree,
  treeMapParams,
} from '../../src/index'

describe('optax.tree utilities', () => {
  it('castLike casts leaf by leaf; dtype reports one dtype or resolves mixed ones', () => {
    const c = tree.castLike(
      { a: tensor([1]), b: tensor([2], 'float64'), n: 3 },
      {
        a: tensor([0], 'float64'),
        b: tensor([0]),
        n: 0,
      },
    )
    expect([c.a.dtype, c.b.dtype, c.n]).toEqual(['float64', 'float32', 3])
    expect(tree.dtype([tensor([1], 'float64'), 2])).toBe('float64')
    expect(tree.dtype([tensor([1]), 2], 'promote')).toBe('float64')
    expect(tree.dtype([tensor([1]), 2], 'highest')).toBe('float64')
    expect(tree.dtype([tensor([1]), 2], 'lowest')).toBe('float32')
    expect(tree.dtype(null)).toBe('float32')
    expect(() => tree.dtype([tensor([1]), 2])).toThrow(/mixed dtypes/)
  })

  it('batchShape stacks copies on new leading axes', () => {
    const b = tree.batchShape({ w: tensor([1, 2]), s: 5 }, [2, 1])
    expect((b.w as Tensor).toArray()).toEqual([[[1, 2]], [[1, 2]]])
    expect((b.s as unknown as Tensor).toArray()).toEqual([[5], [5]])
  })

  it('splitKeyLike and randomLike give one key per leaf, in leaf order', () => {
    const target = { b: tensor([0, 0], 'float64'), a: 1 }
    const keys = splitKey(prngKey(5), 2)
    expect(tree.splitKeyLike(prngKey(5), target)).toEqual({ a: keys[0], b: keys[1] })
    const r = tree.randomLike(prngKey(5), target)
    expect(Array.from((r.b as Tensor).data)).toEqual(Array.from(randomNormal(keys[1]!, [2], { dtype: 'float64' }).data))
    expect((r.a as unknown as Tensor).shape).toEqual([])
  })

  it('getAllWithPath finds every value under a key; mapParams maps the params-shaped parts of a state', () => {
    const params = { w: tensor([1, 2]) }
    const opt = adam(0.1)
    const state = opt.init(params)
    expect(tree.getAllWithPath(state, 'mu').map(([p]) => p)).toEqual([[0, 'mu']])
    expect(tree.getAllWithPath({ a: { count: 1 }, b: [{ count: 2 }] }, 'count', (_, v) => v === 2)).toEqual([
      [['b', 0, 'count'], 2],
    ])
    const doubled = treeMapParams(opt, (l) => tree.scale(2, l as Tensor), state, [params]) as typeof state
    expect(doubled[0].count).toBe(0)
    expect(() => tree.mapParams(opt, (l) => l, state)).toThrow(/params structure/)
    expect(tree.conj(params)).toBe(params)
    expect(tree.real(params)).toBe(params)
  })

  it("mapParams' isLeaf (optax's is_leaf) finds a masked state's params copies and hands f the marked nodes whole", () => {
    const params = { a: tensor([1, 2]), b: tensor([3]) }
    const opt = masked(adam(0.1), { a: true, b: false })
    const state = opt.init(params) // mu and nu are { a: tensor, b: null }
    const calls: unknown[][] = []
    const f = (node: unknown, p: unknown) => {
      calls.push([node, p])
      return node === null ? 'masked' : p
    }
    // Without isLeaf, { a, b: null } does not have the params' structure: nothing is mapped, so f is never called.
    const plain = tree.mapParams(opt, (l) => l, state, [params], { transformNonParams: () => 'other' })
    expect(calls).toEqual([])
    expect(plain).toEqual({
      innerState: [{ count: 'other', mu: { a: 'other', b: null }, nu: { a: 'other', b: null } }, {}],
    })
    const out = treeMapParams(opt, f, state, [params], { isLeaf: (x) => x === null, transformNonParams: () => -1 })
    expect(out).toEqual({
      innerState: [{ count: -1, mu: { a: params.a, b: 'masked' }, nu: { a: params.a, b: 'masked' } }, {}],
    })
    // f got (null, params.b) for each masked node: the rest tree's subtree at the marked node's path, as jax.tree.map
    expect(calls.filter(([n]) => n === null)).toEqual([
      [null, params.b],
      [null, params.b],
    ])
    // A marked node stands for a whole subtree of the params: isLeaf on an object passes it and { w } whole
    const nested = { p: { w: tensor([1]), v: tensor([2]) } }
    const st = { copy: { p: { w: tensor([9]), v: tensor([8]) } }, n: 1 }
    const whole = tree.mapParams(null, (node, r) => [node, r], st, [nested], {
      isLeaf: (x) => typeof x === 'object' && x !== null && 'w' in x,
    })
    expect(whole).toEqual({ copy: { p: [st.copy.p, nested.p] }, n: 1 })
  })
})
