import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  DescentError,
  InvalidTreeError,
  ShapeError,
  StructureError,
  type Tensor,
  add,
  customJvp,
  customVjp,
  exp,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  linearize,
  log,
  logSoftmax,
  logsumexp,
  matmul,
  mul,
  ops,
  relu,
  abs,
  sigmoid,
  softplus,
  square,
  stopGradient,
  sub,
  tanh,
  tensor,
  valueAndGrad,
  vjp,
  reshape,
} from '../../src/index'
import { expectInputsUnchanged } from '../_helpers/assertions'
import { close, randTensor, rng, vals } from './_numeric'

const arbSeed = fc.integer({ min: 0, max: 2 ** 31 - 1 })
const arbX = fc.double({ min: -3, max: 3, noNaN: true })

describe('grad and valueAndGrad', () => {
  it('micrograd-style sanity: f(a, b) = a·b + b³ has ∂a = b, ∂b = a + 3b²', () => {
    const f = (a: number, b: number) => add(mul(a, b), mul(mul(b, b), b))
    expect(grad(f, { argnums: [0, 1] })(2, 3)).toEqual([3, 29])
  })

  test.prop([arbX])('valueAndGrad(f)(x)[0] equals f(x)', (x) => {
    const f = (t: Tensor) => ops.sum(mul(tanh(t), exp(t)))
    const t = tensor([x, 2 * x], 'float64')
    const [v] = valueAndGrad(f)(t)
    expect(v.item()).toBe(f(t).item())
  })

  it('grad(grad(f)) of x³ is 6x; the third derivative is 6', () => {
    const cube = (x: number) => mul(mul(x, x), x)
    expect(grad(grad(cube))(1.5)).toBeCloseTo(9, 12)
    expect(grad(grad(grad(cube)))(1.5)).toBeCloseTo(6, 12)
  })

  it('no perturbation confusion: d/dx [x · d/dy (x + y)] = 1', () => {
    const f = (x: number) => mul(x, grad((y: number) => add(x, y))(3))
    for (const x of [-2, 0, 5]) expect(grad(f)(x)).toBe(1)
  })

  it('grad of a function that itself calls grad (d/dx of x·∂ₓ(x²) = 4x)', () => {
    const f = (x: number) => mul(x, grad((z: number) => mul(z, z))(x))
    expect(grad(f)(3)).toBe(12)
  })

  test.prop([arbSeed])('the gradient of a linear map is constant', (seed) => {
    const r = rng(seed)
    const a = randTensor(r, [3, 4])
    const f = (x: Tensor) => ops.sum(mul(a, x))
    const g1 = grad(f)(randTensor(r, [3, 4]))
    const g2 = grad(f)(randTensor(r, [3, 4]))
    expect(vals(g1)).toEqual(vals(a))
    expect(vals(g2)).toEqual(vals(a))
  })

  it('pytrees in, pytrees out; argnums picks arguments; a tuple of argnums gives a tuple', () => {
    const params = {
      w: tensor(
        [
          [1, 2],
          [3, 4],
        ],
        'float64',
      ),
      b: tensor([1, -1], 'float64'),
      meta: null,
    }
    const x = tensor([1, 1], 'float64')
    const loss = (p: typeof params, xin: Tensor) => ops.sum(square(add(matmul(p.w, xin), p.b)))
    // r = Wx + b = [4, 6]; ∂/∂W = 2 r xᵀ, ∂/∂b = 2r, ∂/∂x = 2 Wᵀ r
    const g = grad(loss)(params, x)
    expect(g.w.toArray()).toEqual([
      [8, 8],
      [12, 12],
    ])
    expect(g.b.toArray()).toEqual([8, 12])
    expect(g.meta).toBeNull()
    const [gp, gx] = grad(loss, { argnums: [0, 1] })(params, x)
    expect(gp.b.toArray()).toEqual([8, 12])
    expect(gx.toArray()).toEqual([2 * (1 * 4 + 3 * 6), 2 * (2 * 4 + 4 * 6)])
    expect(grad(loss, { argnums: 1 })(params, x).toArray()).toEqual(gx.toArray())
  })

  it('hasAux returns [grads, aux] from grad and [[value, aux], grads] from valueAndGrad, aux undifferentiated', () => {
    const f = (x: Tensor) => [ops.sum(square(x)), { doubled: mul(x, 2) }] as const
    const [g, aux] = grad(f, { hasAux: true })(tensor([1, 2]))
    expect(g.toArray()).toEqual([2, 4])
    expect(aux.doubled.toArray()).toEqual([2, 4])
    const [[v, aux2], g2] = valueAndGrad(f, { hasAux: true })(tensor([1, 2]))
    expect(v.item()).toBe(5)
    expect(aux2.doubled.constructor.name).toBe(tensor([1]).constructor.name)
    expect(g2.toArray()).toEqual([2, 4])
  })

  it('an unused parameter gets zeros of its own shape; reportUnused lists the paths', () => {
    const p = { used: tensor([1, 2]), unused: tensor([[1, 2, 3]]), also: [tensor(5)] }
    const f = (q: typeof p) => ops.sum(square(q.used))
    const g = grad(f)(p)
    expect(g.unused.toArray()).toEqual([[0, 0, 0]])
    expect(g.unused.dtype).toBe('float32')
    expect(g.also[0]!.shape).toEqual([])
    expect(() => grad(f, { reportUnused: true })(p)).toThrow(/args\[0\]\.also\[0\], args\[0\]\.unused/)
    expect(() => grad(f, { reportUnused: true })(p)).toThrow(DescentError)
  })

  it('keeps dtypes: float32 in → float32 gradient, float64 in → float64 gradient; numbers give numbers', () => {
    const f = (x: Tensor) => ops.sum(square(x))
    expect(grad(f)(tensor([1, 2])).dtype).toBe('float32')
    expect(grad(f)(tensor([1, 2], 'float64')).dtype).toBe('float64')
    expect(typeof grad((x: number) => square(x))(3)).toBe('number')
  })

  it('errors: non-scalar loss, non-tree argument, bad argnums, hasAux without a pair', () => {
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(DescentError)
    expect(() => grad((x: Tensor) => mul(x, 2))(tensor([1, 2]))).toThrow(/must return a scalar.*shape \[2\]/)
    expect(() => grad((x: any) => ops.sum(x))(new Float32Array([1]))).toThrow(InvalidTreeError)
    expect(() => grad((x: any) => ops.sum(x.a))({ a: new Map() })).toThrow(/args\[0\]\.a/)
    expect(() => grad((x: Tensor) => ops.sum(x), { argnums: 1 })(tensor([1]))).toThrow(/argnums 1/)
    expect(() => grad((x: Tensor) => ops.sum(x) as any, { hasAux: true })(tensor([1]))).toThrow(/\[loss, aux\]/)
  })

  it('never modifies its inputs', () => {
    const p = {
      w: tensor([
        [1, -2],
        [3, 4],
      ]),
      b: tensor([0.5, -0.5]),
    }
    const f = (q: typeof p) => ops.sum(relu(add(matmul(q.w, q.b), q.b)))
    expectInputsUnchanged(() => grad(f)(p), p)
    expectInputsUnchanged(() => hessian((b: Tensor) => ops.sum(exp(b)))(p.b), p)
  })
})

describe('second derivatives match closed forms (issue 3: TF.js fails these)', () => {
  const d2 = (f: (x: number) => Tensor, x: number) => grad(grad(f))(x)
  test.prop([arbX])('exp″ = exp, tanh″ = −2 tanh (1 − tanh²), σ″ = σ(1−σ)(1−2σ), softplus″ = σ(1−σ)', (x) => {
    const s = 1 / (1 + Math.exp(-x))
    const t = Math.tanh(x)
    expect(close([d2((v) => exp(v), x)], [Math.exp(x)], 1e-12, 1e-12)).toBe(true)
    expect(close([d2((v) => tanh(v), x)], [-2 * t * (1 - t * t)], 1e-12, 1e-12)).toBe(true)
    expect(close([d2((v) => sigmoid(v), x)], [s * (1 - s) * (1 - 2 * s)], 1e-12, 1e-12)).toBe(true)
    expect(close([d2((v) => softplus(v), x)], [s * (1 - s)], 1e-12, 1e-12)).toBe(true)
  })

  test.prop([arbSeed])('logsumexp and logSoftmax Hessians: diag(p) − ppᵀ', (seed) => {
    const x = randTensor(rng(seed), [4])
    const xs = vals(x)
    const m = Math.max(...xs)
    const z = xs.reduce((s, v) => s + Math.exp(v - m), 0)
    const p = xs.map((v) => Math.exp(v - m) / z)
    const expected = p.flatMap((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj))
    expect(close(vals(hessian((v: Tensor) => logsumexp(v))(x)), expected, 1e-10, 1e-12)).toBe(true)
    // logSoftmax(x)₀ = x₀ − logsumexp(x): its Hessian is −(diag(p) − ppᵀ)
    const h = hessian((v: Tensor) => ops.take(logSoftmax(v), 0))(x)
    expect(
      close(
        vals(h),
        expected.map((e) => -e),
        1e-10,
        1e-12,
      ),
    ).toBe(true)
  })

  test.prop([arbSeed])('hessian of ½xᵀAx + bᵀx is ½(A + Aᵀ) (A non-symmetric); jacrev ∘ grad agrees', (seed) => {
    const r = rng(seed)
    const a = randTensor(r, [3, 3])
    const b = randTensor(r, [3])
    const x = randTensor(r, [3])
    const f = (v: Tensor) => add(mul(0.5, ops.sum(mul(v, matmul(a, v)))), ops.sum(mul(b, v)))
    const av = vals(a)
    const sym = av.map((_, k) => 0.5 * (av[k]! + av[(k % 3) * 3 + Math.floor(k / 3)]!))
    expect(close(vals(hessian(f)(x)), sym, 1e-12, 1e-12)).toBe(true)
    expect(close(vals(jacfwd(grad(f))(x)), sym, 1e-12, 1e-12)).toBe(true)
    expect(close(vals(jacrev(grad(f))(x)), sym, 1e-12, 1e-12)).toBe(true)
  })

  test.prop([arbSeed])('hvp equals hessian · v', (seed) => {
    const r = rng(seed)
    const x = randTensor(r, [3])
    const v = randTensor(r, [3])
    const f = (t: Tensor) => ops.sum(mul(tanh(t), exp(mul(t, ops.take(t, 0)))))
    const h = hessian(f)(x)
    expect(close(vals(hvp(f, [x], [v])), vals(matmul(h, v)), 1e-10, 1e-12)).toBe(true)
  })
})

describe('jvp, vjp, linearize, jacfwd, jacrev', () => {
  it('jvp of grad (forward over reverse) and vjp of jvp compose', () => {
    const f = (x: number) => mul(mul(x, x), x)
    // d/dx (3x²) · 1 = 6x
    expect((jvp((x: number) => grad(f)(x), [2], [1])[1] as unknown as Tensor).item()).toBe(12)
    const [, back] = vjp(
      (x: Tensor) => jvp((y: Tensor) => mul(y, y), [x], [tensor(1, 'float64')])[1],
      tensor(3, 'float64'),
    )
    expect(back(tensor(1, 'float64'))[0].item()).toBe(2)
  })

  it('jvp takes and returns pytrees; mismatched tangent structure or shape is an error naming the path', () => {
    const f = (p: { a: Tensor; b: Tensor }) => ({ s: add(p.a, p.b), p: mul(p.a, p.b) })
    const [out, t] = jvp(f, [{ a: tensor([1]), b: tensor([2]) }], [{ a: tensor([1]), b: tensor([0]) }])
    expect(out.p.toArray()).toEqual([2])
    expect(t.s.toArray()).toEqual([1])
    expect(t.p.toArray()).toEqual([2])
    expect(() => jvp(f, [{ a: tensor([1]), b: tensor([2]) }], [{ a: tensor([1]) } as never])).toThrow(StructureError)
    expect(() => jvp(f, [{ a: tensor([1]), b: tensor([2]) }], [{ a: tensor([1, 2]), b: tensor([0]) }])).toThrow(
      /tangents\[0\]\.a has shape \[2\]/,
    )
    expect(() => jvp(f, [{ a: tensor([1]), b: tensor([2]) }], [] as never)).toThrow(StructureError)
    expect(() =>
      jvp(f, [{ a: tensor([1]), b: tensor([2]) }], [{ a: tensor([1]), b: tensor([0]) }]).toString(),
    ).not.toThrow()
  })

  it('vjpFn checks the cotangent structure; outputs that do not depend on inputs give zero cotangents', () => {
    const [, back] = vjp((x: Tensor) => [mul(x, 2), tensor([7])], tensor([1, 2]))
    expect(back([tensor([1, 1]), tensor([1])])[0].toArray()).toEqual([2, 2])
    expect(() => back([tensor([1, 1])] as never)).toThrow(StructureError)
    expect(() => back([tensor([1]), tensor([1])])).toThrow(ShapeError)
    const [, back2] = vjp((_x: Tensor) => tensor([7, 8]), tensor([[1, 2, 3]]))
    expect(back2(tensor([1, 1]))[0].toArray()).toEqual([[0, 0, 0]])
  })

  it('linearize gives the value and a linear map equal to jvp', () => {
    const f = (x: Tensor) => mul(sub(exp(x), 1), x)
    const x = tensor([0.5, -1], 'float64')
    const [y, lin] = linearize(f, x)
    expect(vals(y)).toEqual(vals(f(x)))
    const v = tensor([1, 2], 'float64')
    expect(vals(lin(v))).toEqual(vals(jvp(f, [x], [v])[1]))
    expect(close(vals(lin(mul(v, 3))), vals(mul(lin(v), 3)), 1e-14, 1e-14)).toBe(true)
  })

  test.prop([arbSeed])('jacfwd and jacrev agree (shape out ++ in) and match central differences', (seed) => {
    const x = randTensor(rng(seed), [2, 2])
    const f = (t: Tensor) => reshape(matmul(tanh(t), t), [4])
    const jf = jacfwd(f)(x)
    const jr = jacrev(f)(x)
    expect(jf.shape).toEqual([4, 2, 2])
    expect(jr.shape).toEqual([4, 2, 2])
    expect(close(vals(jf), vals(jr), 1e-12, 1e-12)).toBe(true)
  })

  it('jacobians of pytrees: output structure holding the input structure', () => {
    const f = (p: { a: Tensor; b: Tensor }) => ({ y: mul(p.a, p.b) })
    const j = jacrev(f)({ a: tensor([1, 2], 'float64'), b: tensor([3, 4], 'float64') })
    expect(j.y.a.toArray()).toEqual([
      [3, 0],
      [0, 4],
    ])
    expect(j.y.b.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ])
    const jf = jacfwd(f)({ a: tensor([1, 2], 'float64'), b: tensor([3, 4], 'float64') })
    expect(jf.y.b.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ])
  })
})

describe('stopGradient, customJvp, customVjp', () => {
  it('stopGradient blocks all orders', () => {
    expect(grad((x: number) => mul(stopGradient(mul(x, x)), x))(3)).toBe(9)
    expect(grad(grad((x: number) => mul(stopGradient(mul(x, x)), x)))(3)).toBe(0)
  })

  it('customJvp gives a stable gradient for log(1 + eˣ) at x = 100 where the naive one fails', () => {
    const naive = (x: Tensor) => log(add(1, exp(x)))
    // exp(1000) overflows: inf/inf = NaN in the naive gradient
    expect(grad(naive)(tensor(1000, 'float64')).item()).toBeNaN()
    const stable = customJvp(
      (x) => log(add(1, exp(x))),
      ([x], [t]) => [log(add(1, exp(x!))), mul(t!, sigmoid(x!))],
    )
    expect(grad((x: number) => stable(x))(100)).toBe(1)
    expect(grad((x: number) => stable(x))(1000)).toBe(1)
    expect((jvp((x: number) => stable(x), [0], [2])[1] as unknown as Tensor).item()).toBe(1)
    // the rule is differentiable: second derivative σ'(0) = 1/4, in both nestings
    expect(grad(grad((x: number) => stable(x)))(0)).toBe(0.25)
    expect((jvp((x: number) => grad((y: number) => stable(y))(x), [0], [1])[1] as unknown as Tensor).item()).toBe(0.25)
  })

  it('customVjp is used by grad and vjp, and jvp of it raises a clear error', () => {
    let calls = 0
    const f = customVjp(
      (x) => mul(x, x),
      (x) => [mul(x, x), x] as const,
      (x, ct) => {
        calls++
        return [mul(mul(ct, x), 10)] // deliberately "wrong" so the custom rule is visible
      },
    )
    expect(grad((x: number) => f(x))(3)).toBe(30)
    expect(calls).toBe(1)
    expect(() => jvp((x: number) => f(x), [3], [1])).toThrow(DescentError)
    expect(() => jvp((x: number) => f(x), [3], [1])).toThrow(/customVjp function/)
    // forward-over-reverse differentiates through fwd and bwd: d/dx (10·x) = 10
    expect(hessian((x: Tensor) => ops.sum(f(x)))(tensor([1], 'float64')).toArray()).toEqual([[10]])
    const bad = customVjp(
      (x) => x,
      (x) => [x, null] as const,
      () => [tensor([1, 2])],
    )
    expect(() => grad((x: Tensor) => ops.sum(bad(x)))(tensor([1, 2, 3]))).toThrow(ShapeError)
  })
})

describe('kinks follow the documented conventions', () => {
  it("relu'(0) = 0, abs'(0) = 0, ties in max / maximum split evenly", () => {
    expect(grad((x: number) => relu(x))(0)).toBe(0)
    expect(grad((x: number) => abs(x))(0)).toBe(0)
    expect(grad((x: Tensor) => ops.max(x))(tensor([3, 1, 3, 3], 'float64')).toArray()).toEqual([1 / 3, 0, 1 / 3, 1 / 3])
    expect(
      grad((x: Tensor) => ops.sum(ops.min(x, 1)))(
        tensor([
          [0, 0],
          [1, 2],
        ]),
      ).toArray(),
    ).toEqual([
      [0.5, 0.5],
      [1, 0],
    ])
    expect(grad((a: number, b: number) => ops.sum(ops.maximum(a, b)), { argnums: [0, 1] })(2, 2)).toEqual([0.5, 0.5])
  })
})
