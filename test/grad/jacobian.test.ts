import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  type Tensor,
  add,
  exp,
  hessian,
  jacfwd,
  jacrev,
  mul,
  ops,
  sin,
  tanh,
  tensor,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'
import { close, randTensor, rng, vals } from './_numeric'

interface P {
  readonly w: Tensor
  readonly b: Tensor
}

// f(p, x, s) = { y: tanh(w·x + b)·s, z: [Σ exp(w)·x] }, w, b, x of shape [2, 3] / [3] / [3], s a number.
const f = (p: P, x: Tensor, s: number) => ({
  y: mul(tanh(add(ops.matmul(p.w, x), ops.take(p.b, [0, 1]))), s),
  z: [ops.sum(mul(exp(p.w), x))] as const,
})

const ARGS_SHAPES = { w: [2, 3], b: [3], x: [3] }

function randArgs(seed: number): [P, Tensor, number] {
  const r = rng(seed)
  return [
    { w: randTensor(r, ARGS_SHAPES.w, -1, 1), b: randTensor(r, ARGS_SHAPES.b, -1, 1) },
    randTensor(r, ARGS_SHAPES.x, -1, 1),
    r() * 2 - 1,
  ]
}

/** The arguments as a flat list of float64 arrays with their shapes (s as a 0-d entry). */
const flatArgs = (args: readonly [P, Tensor, number]) => [
  { vals: vals(args[0].b), shape: args[0].b.shape },
  { vals: vals(args[0].w), shape: args[0].w.shape },
  { vals: vals(args[1]), shape: args[1].shape },
  { vals: [args[2]], shape: [] as number[] },
]

const fromFlat = (xs: readonly { vals: number[]; shape: readonly number[] }[]): [P, Tensor, number] => [
  { b: tensor(xs[0]!.vals, xs[0]!.shape, 'float64'), w: tensor(xs[1]!.vals, xs[1]!.shape, 'float64') },
  tensor(xs[2]!.vals, xs[2]!.shape, 'float64'),
  xs[3]!.vals[0]!,
]

/** ∂ out / ∂ (flat argument k, element i) by central differences, as [y (2 values), z (1 value)]. */
function fdColumn(args: readonly [P, Tensor, number], k: number, i: number, eps = 1e-6): number[] {
  const at = (s: number) => {
    const xs = flatArgs(args).map((a, m) => (m === k ? { ...a, vals: a.vals.map((v, q) => (q === i ? v + s : v)) } : a))
    const o = f(...fromFlat(xs))
    return [...vals(o.y), ...vals(o.z[0])]
  }
  const p = at(eps)
  const m = at(-eps)
  return p.map((v, j) => (v - m[j]!) / (2 * eps))
}

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 })

describe('jacfwd / jacrev over pytrees with argnums', () => {
  test.prop([seed])('argnums [0, 1, 2]: output structure outside, args tuple inside; jacfwd ≡ jacrev ≡ FD', (s) => {
    const args = randArgs(s)
    const jf = jacfwd(f, { argnums: [0, 1, 2] })(...args)
    const jr = jacrev(f, { argnums: [0, 1, 2] })(...args)
    // layout: J.y[argIndex] (argument tree) with leaf shape outShape ++ inShape
    expect(jf.y[0].w.shape).toEqual([2, 2, 3])
    expect(jf.y[0].b.shape).toEqual([2, 3])
    expect(jf.y[1].shape).toEqual([2, 3])
    expect(jf.y[2].shape).toEqual([2])
    expect(jf.z[0][0].w.shape).toEqual([2, 3])
    expect(jf.z[0][2].shape).toEqual([])
    const pairs: [Tensor, Tensor][] = [
      [jf.y[0].b, jr.y[0].b],
      [jf.y[0].w, jr.y[0].w],
      [jf.y[1], jr.y[1]],
      [jf.y[2], jr.y[2]],
      [jf.z[0][0].b, jr.z[0][0].b],
      [jf.z[0][0].w, jr.z[0][0].w],
      [jf.z[0][1], jr.z[0][1]],
      [jf.z[0][2], jr.z[0][2]],
    ]
    for (const [a, b] of pairs) expect(close(vals(a), vals(b), 1e-12, 1e-13)).toBe(true)
    // finite differences, column by column: flat argument k = b, w, x, s
    const blocksY = [jf.y[0].b, jf.y[0].w, jf.y[1], jf.y[2]] as Tensor[]
    const blocksZ = [jf.z[0][0].b, jf.z[0][0].w, jf.z[0][1], jf.z[0][2]] as Tensor[]
    flatArgs(args).forEach((a, k) => {
      const n = a.vals.length
      for (let i = 0; i < n; i++) {
        const col = fdColumn(args, k, i)
        const analytic = [vals(blocksY[k]!)[i]!, vals(blocksY[k]!)[n + i]!, vals(blocksZ[k]!)[i]!]
        expect(close(analytic, col, 1e-6, 1e-8)).toBe(true)
      }
    })
  })

  test.prop([seed])('argnums as a number vs a one-element array; a non-first argument', (s) => {
    const args = randArgs(s)
    const j1 = jacrev(f, { argnums: 1 })(...args)
    const j1t = jacfwd(f, { argnums: [1] })(...args)
    expect(Array.isArray(j1t.y)).toBe(true)
    expect(j1t.y).toHaveLength(1)
    expect(close(vals(j1.y), vals(j1t.y[0]), 1e-12, 1e-13)).toBe(true)
    expect(close(vals(j1.z[0]), vals(j1t.z[0][0]), 1e-12, 1e-13)).toBe(true)
  })

  it('inputs are not modified; bad argnums are DescentErrors', () => {
    const args = randArgs(1)
    expectInputsUnchanged(() => jacfwd(f, { argnums: [0, 1] })(...args), ...args)
    expectInputsUnchanged(() => jacrev(f, { argnums: [0, 1] })(...args), ...args)
    expect(() => jacfwd(f, { argnums: [0, 3] })(...args)).toThrow(DescentError)
    expect(() => jacrev(f, { argnums: [0, 3] })(...args)).toThrow(/argnums \[0,3\] refers to argument 3/)
    expect(() => jacrev(f, { argnums: [1, 1] })(...args)).toThrow(/has duplicates/)
  })
})

describe('hessian with argnums', () => {
  test.prop([seed])('g(x, y) = Σ sin(x)·y² + (Σ x)·(Σ y): blocks against the closed form; H[i][j] = H[j][i]ᵀ', (s) => {
    const r = rng(s)
    const x = randTensor(r, [2])
    const y = randTensor(r, [3])
    const g = (a: Tensor, b: Tensor) => add(mul(ops.sum(sin(a)), ops.sum(mul(b, b))), mul(ops.sum(a), ops.sum(b)))
    const H = hessian(g, { argnums: [0, 1] })(x, y)
    const sx = vals(x).map(Math.sin)
    const cx = vals(x).map(Math.cos)
    const yy = vals(y).reduce((acc, v) => acc + v * v, 0)
    const S = sx.reduce((acc, v) => acc + v, 0)
    // ∂²/∂xᵢ∂xⱼ = −sin(xᵢ)·Σy²·δᵢⱼ; ∂²/∂xᵢ∂yₖ = 2cos(xᵢ)·yₖ + 1; ∂²/∂yₖ∂yₗ = 2·Σ sin(x)·δₖₗ
    const hxx = [0, 1].flatMap((i) => [0, 1].map((j) => (i === j ? -sx[i]! * yy : 0)))
    const hxy = [0, 1].flatMap((i) => [0, 1, 2].map((k) => 2 * cx[i]! * vals(y)[k]! + 1))
    const hyy = [0, 1, 2].flatMap((k) => [0, 1, 2].map((l) => (k === l ? 2 * S : 0)))
    expect(H[0][0].shape).toEqual([2, 2])
    expect(H[0][1].shape).toEqual([2, 3])
    expect(H[1][0].shape).toEqual([3, 2])
    expect(close(vals(H[0][0]), hxx, 1e-12, 1e-12)).toBe(true)
    expect(close(vals(H[0][1]), hxy, 1e-12, 1e-12)).toBe(true)
    expect(close(vals(H[1][1]), hyy, 1e-12, 1e-12)).toBe(true)
    const hyxT = [0, 1].flatMap((i) => [0, 1, 2].map((k) => vals(H[1][0])[k * 2 + i]!))
    expect(close(hyxT, hxy, 1e-12, 1e-12)).toBe(true)
  })

  it('a pytree argument: nested blocks { a: { a, b }, b: { a, b } }', () => {
    // L(p) = a²·b (scalars) → H = [[2b, 2a], [2a, 0]]
    const H = hessian((p: { a: number; b: number }) => mul(mul(p.a, p.a), p.b))({ a: 2, b: 3 })
    expect([H.a.a.item(), H.a.b.item(), H.b.a.item(), H.b.b.item()]).toEqual([6, 4, 4, 0])
  })
})
