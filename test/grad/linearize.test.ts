import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  ShapeError,
  StructureError,
  type Tensor,
  add,
  customJvp,
  customVjp,
  exp,
  grad,
  jvp,
  linearize,
  mul,
  ops,
  sin,
  tensor,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'
import { close, randTensor, rng, vals } from './_numeric'

interface P {
  readonly w: Tensor
  readonly b: Tensor
}

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 })

describe('linearize', () => {
  test.prop([seed])('over pytrees: value = f(x), jvpFn = jvp for several tangents, f evaluated once', (s) => {
    const r = rng(s)
    let calls = 0
    const f = (p: P, x: Tensor, c: number) => {
      calls++
      const h = sin(add(ops.matmul(p.w, x), p.b))
      return { h, e: [ops.sum(exp(mul(h, c)))] as const, k: 7 }
    }
    const p = { w: randTensor(r, [2, 3]), b: randTensor(r, [2]) }
    const x = randTensor(r, [3])
    const c = r()
    const [y, lin] = expectInputsUnchanged(() => linearize(f, p, x, c), p, x)
    expect(calls).toBe(1)
    const direct = f(p, x, c)
    expect(vals(y.h)).toEqual(vals(direct.h))
    expect(vals(y.e[0])).toEqual(vals(direct.e[0]))
    expect(y.k).toBe(7)
    for (let t = 0; t < 3; t++) {
      const tp = { w: randTensor(r, [2, 3]), b: randTensor(r, [2]) }
      const tx = randTensor(r, [3])
      const tc = r()
      calls = 0
      const dy = lin(tp, tx, tc)
      expect(calls).toBe(0)
      const [, ref] = jvp(f, [p, x, c], [tp, tx, tc])
      expect(close(vals(dy.h), vals(ref.h), 1e-12, 1e-13)).toBe(true)
      expect(close(vals(dy.e[0]), vals(ref.e[0]), 1e-12, 1e-13)).toBe(true)
      expect(dy.k).toBe(0)
    }
  })

  test.prop([seed])('jvpFn is linear: lin(a·u + v) = a·lin(u) + lin(v)', (s) => {
    const r = rng(s)
    const f = (x: Tensor) => mul(exp(x), ops.sum(mul(x, x)))
    const [, lin] = linearize(f, randTensor(r, [4]))
    const u = randTensor(r, [4])
    const v = randTensor(r, [4])
    const a = r() * 4 - 2
    const lhs = vals(lin(add(mul(u, a), v)))
    const rhs = vals(add(mul(lin(u), a), lin(v)))
    expect(close(lhs, rhs, 1e-12, 1e-12)).toBe(true)
  })

  it('outputs that do not depend on the input, and inputs that do not reach the output, give zeros', () => {
    const [y, lin] = linearize(
      (a: Tensor, _b: Tensor) => [mul(a, 2), tensor([5, 5], 'float64')],
      tensor([1], 'float64'),
      tensor([3], 'float64'),
    )
    expect(vals(y[1]!)).toEqual([5, 5])
    const [da, dc] = lin(tensor([1], 'float64'), tensor([9], 'float64'))
    expect(vals(da!)).toEqual([2])
    expect(vals(dc!)).toEqual([0, 0])
  })

  it('identity and dtypes: float32 in → float32 tangent out; number primals take number-or-tensor tangents', () => {
    const [, id] = linearize((x: Tensor) => x, tensor([1, 2]))
    const d = id(tensor([3, 4]))
    expect(d.dtype).toBe('float32')
    expect(vals(d)).toEqual([3, 4])
    const [v, lin] = linearize((x: number) => mul(x, x), 3)
    expect((v as Tensor).item()).toBe(9)
    expect((lin(2) as Tensor).item()).toBe(12)
  })

  it('custom rules: a customJvp rule is used; a customVjp function can be linearised (transpose of bwd)', () => {
    const cj = customJvp(
      (x) => mul(x, x),
      ([x], [t]) => [mul(x!, x!), mul(mul(x!, t!), 10)],
    )
    const [, l1] = linearize((x: Tensor) => cj(x), tensor([2], 'float64'))
    expect(vals(l1(tensor([1], 'float64')))).toEqual([20])
    const cv = customVjp(
      (x) => mul(x, x),
      (x) => [mul(x, x), x] as const,
      (x, ct) => [mul(mul(ct, x), 10)],
    )
    const [, l2] = linearize((x: Tensor) => cv(x), tensor([2], 'float64'))
    expect(vals(l2(tensor([1], 'float64')))).toEqual([20])
  })

  it('is differentiable: grad through jvpFn with respect to the primal (f = x³: ⟨J(x)·v, w⟩ = Σ 3x²vw)', () => {
    const v = tensor([1, 2], 'float64')
    const w = tensor([3, -1], 'float64')
    const g = grad((x: Tensor) => {
      const [, lin] = linearize((z: Tensor) => mul(mul(z, z), z), x)
      return ops.sum(mul(lin(v), w))
    })(tensor([0.5, 2], 'float64'))
    // d/dx Σ 3x²vw = 6xvw = [6·0.5·1·3, 6·2·2·(−1)]
    expect(vals(g)).toEqual([9, -24])
  })

  it('tangent errors: count, structure and shape', () => {
    const [, lin] = linearize((p: P) => mul(p.w, p.b), { w: tensor([1, 2]), b: tensor([3, 4]) })
    expect(() => (lin as (...a: unknown[]) => unknown)()).toThrow(StructureError)
    expect(() => (lin as (...a: unknown[]) => unknown)()).toThrow(/jvpFn got 0 tangents for 1 primal arguments/)
    expect(() => lin({ w: tensor([1, 2]) } as P)).toThrow(StructureError)
    expect(() => lin({ w: tensor([1, 2]), b: tensor([1]) })).toThrow(ShapeError)
    expect(() => lin({ w: tensor([1, 2]), b: tensor([1]) })).toThrow(/tangents\[0\]\.b has shape \[1\]/)
  })
})
