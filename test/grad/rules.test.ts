/**
 * Every primitive (and the composite ops) against float64 central differences, in forward and reverse mode, plus
 * the dot-product test ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ relating jvp and vjp. Inputs come from a seeded PRNG driven by
 * fast-check, with broadcasting and axis variants.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  type Tensor,
  abs,
  checkGrads,
  add,
  broadcastTo,
  concat,
  cos,
  customJvp,
  div,
  dot,
  elu,
  exp,
  expandDims,
  expm1,
  gelu,
  jvp,
  leakyRelu,
  linear,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  matmul,
  maximum,
  mean,
  minimum,
  mul,
  neg,
  norm,
  ops,
  outer,
  pad,
  pow,
  prod,
  relu,
  reshape,
  rsqrt,
  sigmoid,
  silu,
  sin,
  slice,
  softmax,
  softplus,
  sqrt,
  square,
  squeeze,
  stack,
  sub,
  take,
  tanh,
  tensor,
  transpose,
  vjp,
  sign,
  greater,
} from '../../src/index'
import { close, inner, numericJvp, randTensor, rng, vals } from './_numeric'

interface Case {
  readonly name: string
  readonly f: (...xs: Tensor[]) => Tensor
  readonly shapes: readonly (readonly number[])[]
  /** Input range (per case); default [-2, 2). */
  readonly lo?: number
  readonly hi?: number
}

const cond = tensor([1, 0, 1, 0, 0, 1], [2, 3], 'float64')
const log1pexp = customJvp(
  (x) => log(add(1, exp(x))),
  ([x], [t]) => [log(add(1, exp(x!))), mul(t!, sigmoid(x!))],
)

const CASES: readonly Case[] = [
  // elementwise binary, with broadcasting
  { name: 'add [3,1]+[4]', f: add, shapes: [[3, 1], [4]] },
  { name: 'add scalar', f: (x) => add(x, 2), shapes: [[3]] },
  { name: 'sub [2,3]-[3]', f: sub, shapes: [[2, 3], [3]] },
  { name: 'mul [2,3]*[3]', f: mul, shapes: [[2, 3], [3]] },
  {
    name: 'mul [1,3]*[2,1]',
    f: mul,
    shapes: [
      [1, 3],
      [2, 1],
    ],
  },
  {
    name: 'div [2,3]/[2,1]',
    f: div,
    shapes: [
      [2, 3],
      [2, 1],
    ],
    lo: 0.5,
    hi: 2,
  },
  { name: 'pow x^y', f: pow, shapes: [[4], [4]], lo: 0.5, hi: 2 },
  { name: 'pow x^2 (negative x)', f: (x) => pow(x, 2), shapes: [[4]], lo: -2, hi: -0.5 },
  { name: 'maximum [2,3],[3]', f: maximum, shapes: [[2, 3], [3]] },
  { name: 'minimum [2,3],[3]', f: minimum, shapes: [[2, 3], [3]] },
  { name: 'where [2,3]', f: (a, b) => ops.where(cond, a!, b!), shapes: [[2, 3], [3]] },
  // elementwise unary
  { name: 'neg', f: neg, shapes: [[5]] },
  { name: 'exp', f: exp, shapes: [[5]] },
  { name: 'log', f: log, shapes: [[5]], lo: 0.2, hi: 3 },
  { name: 'log1p', f: log1p, shapes: [[5]], lo: -0.5, hi: 3 },
  { name: 'expm1', f: expm1, shapes: [[5]] },
  { name: 'sin', f: sin, shapes: [[5]] },
  { name: 'cos', f: cos, shapes: [[5]] },
  { name: 'tanh', f: tanh, shapes: [[5]] },
  { name: 'sigmoid', f: sigmoid, shapes: [[5]], lo: -6, hi: 6 },
  { name: 'sqrt', f: sqrt, shapes: [[5]], lo: 0.2, hi: 3 },
  { name: 'rsqrt', f: rsqrt, shapes: [[5]], lo: 0.2, hi: 3 },
  { name: 'abs', f: abs, shapes: [[5]] },
  { name: 'sign (zero derivative)', f: (x) => mul(sign(x), 1), shapes: [[5]] },
  { name: 'greater (zero derivative)', f: (x) => greater(x, 0.1), shapes: [[5]] },
  { name: 'square', f: square, shapes: [[5]] },
  { name: 'clip', f: (x) => ops.clip(x, -1, 1), shapes: [[6]] },
  // reductions over axes
  { name: 'sum all', f: (x) => ops.sum(x), shapes: [[2, 3]] },
  { name: 'sum axis 0', f: (x) => ops.sum(x, 0), shapes: [[2, 3]] },
  { name: 'sum axis -1 keepDims', f: (x) => ops.sum(x, { axis: -1, keepDims: true }), shapes: [[2, 3]] },
  { name: 'sum axes [0,2]', f: (x) => ops.sum(x, [0, 2]), shapes: [[2, 3, 2]] },
  { name: 'max axis 1', f: (x) => ops.max(x, 1), shapes: [[3, 4]] },
  { name: 'max all keepDims', f: (x) => ops.max(x, { keepDims: true }), shapes: [[3, 4]] },
  { name: 'min axis 0', f: (x) => ops.min(x, 0), shapes: [[3, 4]] },
  { name: 'mean axis 1', f: (x) => mean(x, 1), shapes: [[3, 4]] },
  { name: 'prod axis 1', f: (x) => prod(x, 1), shapes: [[2, 5]] },
  { name: 'prod all', f: (x) => prod(x), shapes: [[2, 3]] },
  { name: 'logsumexp axis 1', f: (x) => logsumexp(x, 1), shapes: [[2, 4]] },
  { name: 'norm', f: (x) => norm(x), shapes: [[4]] },
  { name: 'norm ord 1 axis 0', f: (x) => norm(x, { ord: 1, axis: 0 }), shapes: [[3, 2]] },
  // shape ops
  { name: 'reshape', f: (x) => reshape(x, [3, 2]), shapes: [[2, 3]] },
  { name: 'broadcastTo', f: (x) => broadcastTo(x, [2, 3, 4]), shapes: [[3, 1]] },
  { name: 'transpose', f: (x) => transpose(x, [1, 2, 0]), shapes: [[2, 3, 4]] },
  { name: 'expandDims/squeeze', f: (x) => squeeze(mul(expandDims(x, 0), 2)), shapes: [[3]] },
  {
    name: 'concat axis 1',
    f: (a, b) => concat([a!, b!], 1),
    shapes: [
      [2, 1],
      [2, 3],
    ],
  },
  { name: 'stack axis 1', f: (a, b) => stack([a!, b!], 1), shapes: [[3], [3]] },
  { name: 'slice', f: (x) => slice(x, [1, 0], [2, 2]), shapes: [[3, 3]] },
  {
    name: 'pad',
    f: (x) =>
      pad(x, [
        [1, 2],
        [0, 1],
      ]),
    shapes: [[2, 2]],
  },
  { name: 'take with duplicates', f: (x) => take(x, [2, 0, 2, -1], 1), shapes: [[2, 3]] },
  {
    name: 'take flat',
    f: (x) =>
      take(
        x,
        tensor([
          [0, 5],
          [5, 1],
        ]),
      ),
    shapes: [[2, 3]],
  },
  // linear algebra
  {
    name: 'matmul 2-D',
    f: matmul,
    shapes: [
      [2, 3],
      [3, 4],
    ],
  },
  {
    name: 'matmul batched broadcast',
    f: matmul,
    shapes: [
      [2, 2, 3],
      [3, 2],
    ],
  },
  {
    name: 'matmul batch both',
    f: matmul,
    shapes: [
      [2, 1, 2, 3],
      [3, 3, 2],
    ],
  },
  { name: 'matmul vector-matrix', f: matmul, shapes: [[3], [3, 2]] },
  { name: 'matmul matrix-vector', f: matmul, shapes: [[2, 3], [3]] },
  { name: 'dot', f: dot, shapes: [[4], [4]] },
  { name: 'outer', f: outer, shapes: [[2], [3]] },
  { name: 'linear 2-D', f: linear, shapes: [[2, 3], [3, 4], [4]] },
  { name: 'linear batched x', f: linear, shapes: [[2, 2, 3], [3, 4], [4]] },
  { name: 'linear 1-D x', f: linear, shapes: [[3], [3, 2], [2]] },
  // activations and softmax
  { name: 'relu', f: relu, shapes: [[6]] },
  { name: 'relu 2-D', f: relu, shapes: [[2, 3]] },
  { name: 'leakyRelu', f: (x) => leakyRelu(x, 0.1), shapes: [[6]] },
  { name: 'elu', f: (x) => elu(x!), shapes: [[6]] },
  { name: 'gelu', f: gelu, shapes: [[6]] },
  { name: 'silu', f: silu, shapes: [[6]] },
  { name: 'softplus', f: softplus, shapes: [[6]], lo: -5, hi: 5 },
  { name: 'softmax axis -1', f: (x) => softmax(x), shapes: [[2, 3]] },
  { name: 'softmax axis 0', f: (x) => softmax(x, 0), shapes: [[2, 3]] },
  { name: 'logSoftmax', f: (x) => logSoftmax(x), shapes: [[2, 3]] },
  { name: 'logSoftmax axis 0', f: (x) => logSoftmax(x, 0), shapes: [[2, 3]] },
  { name: 'logSoftmax axes [0, 2]', f: (x) => logSoftmax(x, [0, 2]), shapes: [[2, 2, 3]] },
  { name: 'customJvp log1pexp', f: (x) => log1pexp(x!), shapes: [[4]] },
]

const arbSeed = fc.integer({ min: 0, max: 2 ** 31 - 1 })

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
  const setup = (seed: number) => {
    const r = rng(seed)
    const xs = c.shapes.map((s) => randTensor(r, s, c.lo, c.hi))
    const vs = c.shapes.map((s) => randTensor(r, s, -1, 1))
    const y = c.f(...xs)
    const u = randTensor(r, y.shape, -1, 1)
    return { xs, vs, y, u }
  }

  test.prop([arbSeed], { numRuns: 15 })('JVP matches central differences', (seed) => {
    const { xs, vs } = setup(seed)
    const [, t] = jvp((...a: Tensor[]) => c.f(...a), xs, vs)
    expect(close(vals(t), numericJvp(c.f, xs, vs), 1e-5, 1e-6)).toBe(true)
  })

  test.prop([arbSeed], { numRuns: 15 })(
    'VJP matches central differences: ⟨Jᵀu, v⟩ = ⟨u, (f(x+εv) − f(x−εv))/2ε⟩',
    (seed) => {
      const { xs, vs, u } = setup(seed)
      const [y, back] = vjp((...a: Tensor[]) => c.f(...a), ...xs)
      expect(vals(y)).toEqual(vals(c.f(...xs)))
      const g = back(u) as Tensor[]
      g.forEach((gi, i) => expect(gi.shape).toEqual(xs[i]!.shape))
      const lhs = inner(g, vs)
      const rhs = numericJvp(c.f, xs, vs).reduce((s, v, i) => s + v * u.data[i]!, 0)
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(rhs)))
    },
  )

  test.prop([arbSeed], { numRuns: 15 })('dot-product test ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩', (seed) => {
    const { xs, vs, u } = setup(seed)
    const [, t] = jvp((...a: Tensor[]) => c.f(...a), xs, vs)
    const [, back] = vjp((...a: Tensor[]) => c.f(...a), ...xs)
    const lhs = inner([u], [t])
    const rhs = inner(back(u) as Tensor[], vs)
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(lhs)))
  })
})

describe('matmul VJP with transposition flags (no materialised transposes)', () => {
  // The VJP binds matmul with transA / transB; its own derivatives (orders 2 and 3) exercise every flag combination,
  // in float64 (reference loop) and float32 from 16³ multiply-adds (the SIMD kernel reads the flags while packing).
  const rand = (shape: number[], seed: number, dtype: 'float32' | 'float64') => {
    let x = seed
    const n = shape.reduce((a, b) => a * b, 1)
    const flat = Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1)
    return tensor(flat, shape, dtype)
  }
  const f = (a: Tensor, b: Tensor) => ops.sum(ops.mul(ops.matmul(a, b), ops.matmul(a, b)))

  test('float64, batched with broadcasting, orders 1–3', () => {
    expect(() => checkGrads(f, [rand([2, 3, 4], 1, 'float64'), rand([4, 5], 2, 'float64')], { order: 3 })).not.toThrow()
  })

  test('float32 through the SIMD kernel, order 2', () => {
    expect(() =>
      checkGrads(f, [rand([24, 20], 3, 'float32'), rand([20, 18], 4, 'float32')], {
        order: 2,
        atol: 5e-2,
        rtol: 5e-2,
      }),
    ).not.toThrow()
  })
})
