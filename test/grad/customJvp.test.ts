import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  ShapeError,
  StructureError,
  type Tensor,
  add,
  customJvp,
  exp,
  grad,
  jvp,
  log,
  mul,
  ops,
  sigmoid,
  sin,
  cos,
  tensor,
  vjp,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'
import { axpy, close, randTensor, rng, vals } from './_numeric'

interface P {
  readonly a: Tensor
  readonly b: Tensor
}

// f(p, s) = { prod: a·b·s, trig: [sin(a)] }, a, b of shape [3], s 0-d. Exact rule:
//   d prod = (ta·b + a·tb)·s + a·b·ts,  d trig[0] = cos(a)·ta
const fExact = (p: P, s: Tensor) => ({ prod: mul(mul(p.a, p.b), s), trig: [sin(p.a)] as const })
const ruleExact = ([p, s]: readonly [P, Tensor], [tp, ts]: readonly [P, Tensor]) =>
  [
    fExact(p, s),
    {
      prod: add(mul(add(mul(tp.a, p.b), mul(p.a, tp.b)), s), mul(mul(p.a, p.b), ts)),
      trig: [mul(cos(p.a), tp.a)] as const,
    },
  ] as const
const pytreeFn = customJvp(fExact, ruleExact)

/** Flat version of pytreeFn for finite differences: [a, b, s] → one vector [prod, trig]. */
const flatF = (a: Tensor, b: Tensor, s: Tensor): Tensor => {
  const o = pytreeFn({ a, b }, s)
  return ops.concat([o.prod, o.trig[0]])
}

describe('customJvp over pytrees', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })])(
    'jvp and vjp (transposed rule) match central differences; ⟨u, Jv⟩ = ⟨Jᵀu, v⟩',
    (seed) => {
      const r = rng(seed)
      const [a, b, s] = [randTensor(r, [3]), randTensor(r, [3]), randTensor(r, [])]
      const [ta, tb, ts] = [randTensor(r, [3]), randTensor(r, [3]), randTensor(r, [])]
      const [y, dy] = jvp(pytreeFn, [{ a, b }, s], [{ a: ta, b: tb }, ts])
      expect(vals(y.prod)).toEqual(vals(mul(mul(a, b), s)))
      const numeric = vals(flatF(...(axpy([a, b, s], 0, [ta, tb, ts]) as [Tensor, Tensor, Tensor])))
      expect(numeric.length).toBe(6)
      const fd = ((): number[] => {
        const eps = 1e-6
        const p = vals(flatF(...(axpy([a, b, s], eps, [ta, tb, ts]) as [Tensor, Tensor, Tensor])))
        const m = vals(flatF(...(axpy([a, b, s], -eps, [ta, tb, ts]) as [Tensor, Tensor, Tensor])))
        return p.map((v, i) => (v - m[i]!) / (2 * eps))
      })()
      const analytic = [...vals(dy.prod), ...vals(dy.trig[0])]
      expect(close(analytic, fd, 1e-6, 1e-7)).toBe(true)
      // reverse mode: the transpose of the rule's tangent map
      const [u1, u2] = [randTensor(r, [3]), randTensor(r, [3])]
      const [, pull] = vjp(pytreeFn, { a, b }, s)
      const [gp, gs] = pull({ prod: u1, trig: [u2] })
      const lhs =
        vals(u1).reduce((acc, v, i) => acc + v * analytic[i]!, 0) +
        vals(u2).reduce((acc, v, i) => acc + v * analytic[3 + i]!, 0)
      const rhs =
        vals(gp.a).reduce((acc, v, i) => acc + v * ta.data[i]!, 0) +
        vals(gp.b).reduce((acc, v, i) => acc + v * tb.data[i]!, 0) +
        gs.item() * ts.item()
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * (1 + Math.abs(lhs)))
    },
  )

  it('the rule, not f, defines the derivative, in both modes (a deliberately scaled rule)', () => {
    const g = customJvp(
      (x: Tensor, y: Tensor) => [mul(x, y), x] as const,
      ([x, y], [tx, ty]) => [[mul(x, y), x] as const, [mul(add(mul(tx, y), mul(x, ty)), 10), tx] as const] as const,
    )
    const x = tensor(2, 'float64')
    const y = tensor(5, 'float64')
    const [, [d0, d1]] = jvp(g, [x, y], [tensor(1, 'float64'), tensor(0, 'float64')])
    expect([d0.item(), d1.item()]).toEqual([50, 1])
    // grad of out[0] + out[1] w.r.t. (x, y): (10·y + 1, 10·x)
    const gr = grad(
      (u: Tensor, v: Tensor) => {
        const [p, q] = g(u, v)
        return add(p, q)
      },
      { argnums: [0, 1] },
    )(x, y)
    expect([gr[0].item(), gr[1].item()]).toEqual([51, 20])
  })

  it('null in the tangent output stands for zeros; a number is broadcast; dtypes of mixed outputs are kept', () => {
    const g = customJvp(
      (x: Tensor) => ({ f32: ops.cast(x, 'float32'), f64: mul(x, 2), zero: x }),
      ([x], [t]) => [
        { f32: ops.cast(x, 'float32'), f64: mul(x, 2), zero: x },
        { f32: t, f64: 3, zero: null },
      ],
    )
    const x = tensor([1, 2], 'float64')
    const [y, dy] = jvp(g, [x], [tensor([1, 1], 'float64')])
    expect(y.f32.dtype).toBe('float32')
    expect(y.f64.dtype).toBe('float64')
    expect(dy.f32.dtype).toBe('float32')
    expect(vals(dy.f32)).toEqual([1, 1])
    expect(vals(dy.f64)).toEqual([3, 3])
    expect(vals(dy.zero)).toEqual([0, 0])
  })

  it('errors name the path: wrong structure, wrong shape, not a pair', () => {
    const x = tensor([1, 2], 'float64')
    const missing = customJvp(
      (v: Tensor) => ({ a: v, b: [v, v] }),
      ([v], [t]) =>
        [
          { a: v, b: [v, v] },
          { a: t, b: [t] },
        ] as never,
    )
    expect(() => jvp(missing, [x], [x])).toThrow(StructureError)
    expect(() => jvp(missing, [x], [x])).toThrow(/customJvp 'anonymous': tangentOut\.b is an array of length 1/)
    const shaped = customJvp(
      (v: Tensor) => ({ a: v }),
      ([v], [t]) => [{ a: v }, { a: ops.sum(t) }],
      'shaped',
    )
    expect(() => jvp(shaped, [x], [x])).toThrow(ShapeError)
    expect(() => jvp(shaped, [x], [x])).toThrow(
      /customJvp 'shaped': tangentOut\.a has shape \[\] but primalOut\.a has shape \[2\]/,
    )
    // reverse mode transposes the rule, so the same check applies
    expect(() => grad((v: Tensor) => ops.sum(shaped(v).a))(x)).toThrow(/tangentOut\.a has shape/)
    const single = customJvp(
      (v: Tensor) => v,
      () => tensor(1) as never,
      'single',
    )
    expect(() => jvp(single, [x], [x])).toThrow(DescentError)
    expect(() => jvp(single, [x], [x])).toThrow(/customJvp 'single': the JVP rule must return a pair/)
  })

  it('single-tensor use is unchanged: float32 kept, numbers weakly typed, number in → number gradient', () => {
    const log1pexp = customJvp(
      (x) => log(add(1, exp(x))),
      ([x], [t]) => [log(add(1, exp(x!))), mul(t!, sigmoid(x!))],
    )
    const x = tensor([0, 1000])
    const y = expectInputsUnchanged(() => log1pexp(x), x)
    expect(y.dtype).toBe('float32')
    expect(grad((v: Tensor) => ops.sum(log1pexp(v)))(x).toArray()).toEqual([0.5, 1])
    expect(grad((v: number) => log1pexp(v))(0)).toBe(0.5)
    // a number argument beside a float64 tensor takes float64
    const scaled = customJvp(
      (v, c) => mul(v, c),
      ([v, c], [tv, tc]) => [mul(v!, c!), add(mul(tv!, c!), mul(v!, tc!))],
    )
    expect(scaled(tensor([1], 'float64'), 0.1).dtype).toBe('float64')
  })

  it('rules of pytree functions are differentiable: second derivatives in both nestings', () => {
    // h(p) = { y: sin(p.x) }; rule cos(x)·t; d²/dx² sin = −sin
    const h = customJvp(
      (p: { x: Tensor | number }) => ({ y: sin(p.x) }),
      ([p], [t]) => [{ y: sin(p.x) }, { y: mul(cos(p.x), t.x) }],
    )
    const f = (x: number) => h({ x }).y
    expect(grad(grad(f))(0.5)).toBeCloseTo(-Math.sin(0.5), 14)
    const dd = jvp((x: number) => grad(f)(x), [0.5], [1])[1] as unknown as Tensor
    expect(dd.item()).toBeCloseTo(-Math.sin(0.5), 14)
  })
})
