import { describe, expect, it } from 'vitest'
import {
  InvalidTreeError,
  StructureError,
  type PyTree,
  type Tensor,
  add,
  contrib,
  grad,
  hvp,
  jvp,
  mul,
  ops,
  tensor,
  tree,
  valueAndGrad,
  vjp,
} from '../../src/index'

/**
 * The transformations over pytrees 10,000 levels deep (issue 14: valid edge inputs). Each once overflowed the stack
 * (a recursive JSON.stringify of the TreeDef and a recursive result copy); the expected values are closed forms.
 */
const DEPTH = 10_000

/** `{ a: [{ a: [ … leaf … ] }] }`, `depth` levels of `{ a: [·] }` around `leaf`. */
const nest = (leaf: PyTree, depth = DEPTH): PyTree => {
  let t = leaf
  for (let i = 0; i < depth; i++) t = { a: [t] }
  return t
}

/** The leaf at the bottom of {@link nest}, checking the structure on the way down (one expect, not 10,000). */
const bottom = (t: PyTree, depth = DEPTH): PyTree => {
  let node = t
  let badLevel = -1
  for (let i = 0; i < depth && badLevel < 0; i++) {
    const arr = (node as { a?: PyTree[] }).a
    if (Object.keys(node as object).length !== 1 || !Array.isArray(arr) || arr.length !== 1) badLevel = i
    else node = arr[0]!
  }
  expect(badLevel).toBe(-1)
  return node
}

// f(x) = Σ x³ over the leaves: ∇f = 3x², ∇f·v = Σ 3x²v, ∇²f·v = 6x ⊙ v.
const cubeSum = (p: PyTree): Tensor =>
  tree
    .leaves(p)
    .map((l) => ops.sum(mul(mul(l as Tensor, l as Tensor), l as Tensor)))
    .reduce((a, b) => add(a, b))

const xs = [1, -2, 0.5]
const vs = [2, 1, -4]
const x = () => nest(tensor(xs, [3], 'float64'))
const v = () => nest(tensor(vs, [3], 'float64'))
const values = (t: PyTree): number[] => Array.from((bottom(t) as Tensor).data)

describe('grad / jvp / hvp / vjp over a tree 10,000 levels deep', () => {
  it('grad is 3x² at the bottom, with the input structure', () => {
    expect(values(grad(cubeSum)(x()) as PyTree)).toEqual(xs.map((a) => 3 * a * a))
  })

  it('jvp gives f(x) = Σ x³ and the directional derivative Σ 3x²v', () => {
    const [y, dy] = jvp(cubeSum, [x()], [v()])
    expect(y.item()).toBeCloseTo(1 - 8 + 0.125, 14)
    expect(dy.item()).toBeCloseTo(
      xs.reduce((s, a, i) => s + 3 * a * a * vs[i]!, 0),
      14,
    )
  })

  it('hvp is 6x ⊙ v at the bottom', () => {
    expect(values(hvp(cubeSum, [x()], [v()]) as PyTree)).toEqual(xs.map((a, i) => 6 * a * vs[i]!))
  })

  it('jvp of the identity returns deep primal and tangent trees (the result copy is iterative)', () => {
    const [y, dy] = jvp((p: PyTree) => p, [x()], [v()])
    expect(values(y)).toEqual(xs)
    expect(values(dy)).toEqual(vs)
  })

  it('vjp of the identity pulls a deep cotangent back unchanged', () => {
    const [y, pullback] = vjp((p: PyTree) => p, x())
    expect(values(y)).toEqual(xs)
    expect(values(pullback(v())[0] as PyTree)).toEqual(vs)
  })

  it('valueAndGrad keeps a deep aux', () => {
    const [[value, aux], g] = valueAndGrad((p: PyTree) => [cubeSum(p), nest(3)] as const, { hasAux: true })(x())
    expect(value.item()).toBeCloseTo(1 - 8 + 0.125, 14)
    expect(bottom(aux)).toBe(3)
    expect(values(g as PyTree)).toEqual(xs.map((a) => 3 * a * a))
  })

  it('a tangent whose structure differs 10,000 levels down is a StructureError, not a stack overflow', () => {
    const bad = nest({ b: tensor(vs, [3], 'float64') }, DEPTH - 1)
    expect(() => jvp(cubeSum, [x()], [bad])).toThrow(StructureError)
    expect(() => jvp(cubeSum, [x()], [bad])).toThrow(/different tree structure.*…/)
  })

  it('a result that contains itself is an InvalidTreeError naming the path', () => {
    const cyclic: { a: unknown[] } = { a: [] }
    cyclic.a.push(cyclic)
    const f = (p: Tensor) => [ops.sum(p), cyclic as unknown as PyTree] as const
    expect(() => valueAndGrad(f, { hasAux: true })(tensor([1]))).toThrow(InvalidTreeError)
    expect(() => valueAndGrad(f, { hasAux: true })(tensor([1]))).toThrow(
      /output\[1\]\.a\[0\] is the same object .*cycle/,
    )
  })
})

describe('contrib.hutchinsonEstimatorDiagHessian over a tree 10,000 levels deep', () => {
  it('is exact on a diagonal Hessian: f = Σ c ⊙ x² gives 2c', () => {
    const c = tensor([1, 4, 9], [3], 'float64')
    const f = (p: PyTree) =>
      tree
        .leaves(p)
        .map((l) => ops.sum(mul(c, mul(l as Tensor, l as Tensor))))
        .reduce((a, b) => add(a, b))
    const tx = contrib.hutchinsonEstimatorDiagHessian({ key: 7 })
    const p = x()
    const [d] = tx.update(p, tx.init(p), p, { objFn: f })
    expect(values(d)).toEqual([2, 8, 18])
  })
})
