import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  ShapeError,
  StructureError,
  type Tensor,
  customVjp,
  exp,
  grad,
  hessian,
  jvp,
  mul,
  ops,
  tensor,
  vjp,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'
import { close, randTensor, rng, vals } from './_numeric'

interface P {
  readonly w: Tensor
  readonly b: Tensor
}

// f(p, x) = { y: exp(w)·x + b, n: Σ w² }, w, b, x of shape [3].
// Exact bwd from the chain rule, residuals { e: exp(w), x, w }:
//   ∂/∂w = u_y·e·x + 2·u_n·w,  ∂/∂b = u_y,  ∂/∂x = u_y·e
let bwdCalls = 0
const f = customVjp(
  (p: P, x: Tensor) => ({ y: ops.add(mul(exp(p.w), x), p.b), n: ops.sum(mul(p.w, p.w)) }),
  (p, x) => {
    const e = exp(p.w)
    return [
      { y: ops.add(mul(e, x), p.b), n: ops.sum(mul(p.w, p.w)) },
      { e, x, w: p.w },
    ] as const
  },
  (res, ct) => {
    bwdCalls++
    return [{ w: ops.add(mul(mul(ct.y, res.e), res.x), mul(mul(ct.n, 2), res.w)), b: ct.y }, mul(ct.y, res.e)]
  },
)

/** Central difference of the scalar loss L(w, b, x) = Σ y·c + k·n along coordinate i of argument j. */
function fd(args: readonly Tensor[], j: number, i: number, c: Tensor, k: number, eps = 1e-6): number {
  const L = (as: readonly Tensor[]): number => {
    const o = f({ w: as[0]!, b: as[1]! }, as[2]!)
    return ops.sum(mul(o.y, c)).item() + k * o.n.item()
  }
  const shift = (s: number) =>
    args.map((a, m) =>
      m === j
        ? tensor(
            vals(a).map((v, q) => (q === i ? v + s : v)),
            a.shape,
            'float64',
          )
        : a,
    )
  return (L(shift(eps)) - L(shift(-eps))) / (2 * eps)
}

describe('customVjp over pytrees', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })])(
    'grad through a pytree customVjp matches central differences; bwd runs once per backward pass',
    (seed) => {
      const r = rng(seed)
      const [w, b, x, c] = [randTensor(r, [3]), randTensor(r, [3]), randTensor(r, [3]), randTensor(r, [3])]
      const k = r() * 2 - 1
      const loss = (p: P, v: Tensor) => {
        const o = f(p, v)
        return ops.add(ops.sum(mul(o.y, c)), mul(o.n, k))
      }
      bwdCalls = 0
      const [gp, gx] = grad(loss, { argnums: [0, 1] })({ w, b }, x)
      expect(bwdCalls).toBe(1)
      const args = [w, b, x]
      const analytic = [vals(gp.w), vals(gp.b), vals(gx)]
      analytic.forEach((g, j) => {
        const numeric = g.map((_, i) => fd(args, j, i, c, k))
        expect(close(g, numeric, 1e-6, 1e-7)).toBe(true)
      })
    },
  )

  it('the backward rule defines the gradient (a deliberately scaled rule); inputs are not modified', () => {
    const g = customVjp(
      (p: { a: Tensor }) => [mul(p.a, p.a)] as const,
      (p) => [[mul(p.a, p.a)] as const, p.a],
      (a, [u]) => [{ a: mul(mul(u, a), 10) }],
    )
    const a = tensor([1, 2], 'float64')
    const gr = expectInputsUnchanged(() => grad((p: { a: Tensor }) => ops.sum(g(p)[0]))({ a }), a)
    expect(vals(gr.a)).toEqual([10, 20])
    const [y, pull] = vjp(g, { a })
    expect(vals(y[0])).toEqual([1, 4])
    expect(vals(pull([tensor([1, 0], 'float64')])[0].a)).toEqual([10, 0])
  })

  it('null for an argument or a subtree means zeros; a number is broadcast', () => {
    const g = customVjp(
      (p: P, s: Tensor) => mul(mul(p.w, p.b), s),
      (p, s) => [mul(mul(p.w, p.b), s), null] as const,
      () => [{ w: 2, b: null }, null] as const,
    )
    const w = tensor([1, 2], 'float64')
    const [gp, gs] = grad((p: P, s: Tensor) => ops.sum(g(p, s)), { argnums: [0, 1] })(
      { w, b: tensor([3, 4], 'float64') },
      tensor(5, 'float64'),
    )
    expect(vals(gp.w)).toEqual([2, 2])
    expect(vals(gp.b)).toEqual([0, 0])
    expect(gs.item()).toBe(0)
    expect(gp.w.dtype).toBe('float64')
  })

  it('forward mode is a DescentError; forward-over-reverse (hessian) differentiates through fwd and bwd', () => {
    expect(() => jvp((w: Tensor) => f({ w, b: w }, w).n, [tensor([1], 'float64')], [tensor([1], 'float64')])).toThrow(
      /customVjp function/,
    )
    // n = Σ w², bwd gives 2·u_n·w → Hessian 2·I
    const H = hessian((w: Tensor) => f({ w, b: tensor([0, 0], 'float64') }, tensor([0, 0], 'float64')).n)(
      tensor([1, 2], 'float64'),
    )
    expect(H.toArray()).toEqual([
      [2, 0],
      [0, 2],
    ])
  })

  it('errors name the path: count, structure, shape, fwd not a pair', () => {
    const x = tensor([1, 2, 3])
    const run =
      (bwd: (res: null, ct: Tensor) => never, name = 'h') =>
      () =>
        grad((p: P) =>
          ops.sum(
            customVjp(
              (q: P) => q.w,
              (q: P) => [q.w, null] as const,
              bwd,
              name,
            )(p),
          ),
        )({ w: x, b: x })
    expect(run((() => [null, null]) as never)).toThrow(StructureError)
    expect(run((() => [null, null]) as never)).toThrow(
      /customVjp 'h': the backward rule must return one cotangent per argument \(1\); got 2/,
    )
    expect(run((() => [{ w: x }]) as never)).toThrow(StructureError)
    expect(run((() => [{ w: x }]) as never)).toThrow(
      /cotangents\[0\] is an object with keys \[w\] but should be an object with keys \[b, w\]/,
    )
    expect(run((() => [{ w: tensor([1, 2]), b: x }]) as never)).toThrow(ShapeError)
    expect(run((() => [{ w: tensor([1, 2]), b: x }]) as never)).toThrow(
      /cotangents\[0\]\.w has shape \[2\] but args\[0\]\.w has shape \[3\]/,
    )
    const notPair = customVjp(
      (v: Tensor) => v,
      ((v: Tensor) => v) as never,
      () => [null],
      'np',
    )
    expect(() => grad((v: Tensor) => ops.sum(notPair(v)))(x)).toThrow(DescentError)
    expect(() => grad((v: Tensor) => ops.sum(notPair(v)))(x)).toThrow(
      /customVjp 'np': fwd must return a pair \[output, residuals\]/,
    )
  })

  it('single-tensor use is unchanged: float32 kept, number arguments get number gradients', () => {
    const sq = customVjp(
      (w) => mul(w, w),
      (w) => [mul(w, w), w] as const,
      (w, ct) => [mul(mul(ct, w), 2)],
    )
    expect(sq(tensor([3])).dtype).toBe('float32')
    expect(grad((w: number) => sq(w))(3)).toBe(6)
    expect(grad((w: Tensor) => ops.sum(sq(w)))(tensor([1, 2])).toArray()).toEqual([2, 4])
  })
})
