/**
 * The fused MLP ops: `relu` as one primitive (its derivative one masked pass reading x) and `linear` (x·w + b in one
 * kernel call). Expected values come from the math (relu'(x) = [x > 0], the closed-form products of a dense layer),
 * float64 central differences (checkGrads, up to order 3), and the composed ops they replace, bit for bit.
 */
import { describe, expect, it } from 'vitest'
import {
  type Tensor,
  ShapeError,
  add,
  cast,
  checkGrads,
  grad,
  hessian,
  jvp,
  lessEqual,
  log,
  exp,
  stopGradient,
  sub,
  linear,
  matmul,
  mul,
  ops,
  relu,
  square,
  tensor,
  transpose,
  vjp,
} from '../../src/index'
import { randTensor, rng } from './_numeric'
import { reluKernel, reluMaskKernel } from '../../src/kernels/fusedLayer'

const bits = (t: Tensor): number[] => Array.from(t.data)
const sameBits = (a: Tensor, b: Tensor): void => {
  expect(a.dtype).toBe(b.dtype)
  expect(a.shape).toEqual(b.shape)
  const x = a.data
  const y = b.data
  expect(x.length).toBe(y.length)
  for (let i = 0; i < x.length; i++) expect(Object.is(x[i], y[i]), `element ${i}: ${x[i]} vs ${y[i]}`).toBe(true)
}
/** The relu it replaces: where(x ≤ 0, 0, x). */
const reluT = (x: Tensor): Tensor => relu(x)
const linearT = (x: Tensor, w: Tensor, b: Tensor): Tensor => linear(x, w, b)
const reluComposed = (x: Tensor): Tensor => ops.where(lessEqual(x, 0), 0, x)

describe('relu kernels on float32 bits (branch-free selects)', () => {
  // Every pair of a special x and a special cotangent, in arrays that are views at a byteOffset (tensors over wasm
  // memory are), at lengths that are not multiples of anything.
  const xs = [-1, -0, 0, 2.5, NaN, -Infinity, Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38]
  const cts = [7, -0, 0, NaN, -Infinity, Infinity, -1e-45, -2]
  const view = (values: number[]): Float32Array => {
    const buf = new Float32Array(values.length + 3).fill(99)
    const v = buf.subarray(1, 1 + values.length)
    v.set(values)
    return v
  }

  it('relu: x ≤ 0 → +0, otherwise x itself (NaN stays NaN, −0 → +0)', () => {
    const y = reluKernel(view(xs), Float32Array)
    const want = xs.map((x) => (x <= 0 ? 0 : Math.fround(x)))
    expect(Array.from(y).every((v, i) => Object.is(v, want[i]))).toBe(true)
  })

  it('mask: x ≤ 0 → +0, otherwise the cotangent unchanged (NaN and ±Infinity cotangents included)', () => {
    const pairs = xs.flatMap((x) => cts.map((c) => [x, c] as const))
    const y = reluMaskKernel(view(pairs.map((p) => p[1])), view(pairs.map((p) => p[0])), Float32Array)
    const want = pairs.map(([x, c]) => (x <= 0 ? 0 : Math.fround(c)))
    expect(Array.from(y).every((v, i) => Object.is(v, want[i]))).toBe(true)
  })

  it('leaves its inputs unchanged and the output is fresh', () => {
    const x = view(xs)
    const before = Array.from(x)
    const y = reluKernel(x, Float32Array)
    expect(y.buffer).not.toBe(x.buffer)
    expect(Array.from(x).every((v, i) => Object.is(v, before[i]))).toBe(true)
  })
})

describe('relu (one primitive)', () => {
  const special = [-1, -0, 0, 2.5, NaN, -Infinity, Infinity, 1e-45, -1e-45]

  it('values: max(x, 0), relu(−0) = +0, NaN stays NaN', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = relu(tensor(special, [special.length], dtype))
      expect(y.dtype).toBe(dtype)
      const want = [0, 0, 0, 2.5, NaN, 0, Infinity, dtype === 'float32' ? Math.fround(1e-45) : 1e-45, 0]
      bits(y).forEach((v, i) => expect(Object.is(v, want[i]), `relu(${special[i]}) = ${v}`).toBe(true))
    }
  })

  it("VJP and JVP: ȳ·[x > 0] with relu'(0) = 0 and derivative 1 at NaN; a NaN cotangent at x ≤ 0 is zeroed", () => {
    const x = tensor(special, [special.length], 'float64')
    const want = [0, 0, 0, 1, 1, 0, 1, 1, 0]
    const [, back] = vjp(reluT, x)
    expect(
      bits(
        back(
          tensor(
            special.map(() => 1),
            [special.length],
            'float64',
          ),
        )[0],
      ),
    ).toEqual(want)
    const [, t] = jvp(
      relu,
      [x],
      [
        tensor(
          special.map(() => 1),
          [special.length],
          'float64',
        ),
      ],
    )
    expect(bits(t)).toEqual(want)
    const [gNaN] = back(
      tensor(
        special.map(() => NaN),
        [special.length],
        'float64',
      ),
    )
    bits(gNaN).forEach((v, i) => expect(Object.is(v, want[i] === 0 ? 0 : NaN), `x = ${special[i]}`).toBe(true))
    expect(grad((v: number) => relu(v))(0)).toBe(0)
    expect(grad((v: number) => relu(v))(-0)).toBe(0)
    expect(grad((v: number) => relu(v))(3)).toBe(1)
  })

  it('bit for bit the values and gradients of where(x ≤ 0, 0, x), float32 and float64', () => {
    const r = rng(7)
    for (const dtype of ['float32', 'float64'] as const) {
      const x = cast(tensor([...special, ...Array.from({ length: 199 }, () => 4 * r() - 2)], [13, 16]), dtype)
      const u = cast(randTensor(r, [13, 16]), dtype)
      sameBits(relu(x), reluComposed(x))
      const [, b1] = vjp(reluT, x)
      const [, b2] = vjp(reluComposed, x)
      sameBits(b1(u)[0], b2(u)[0])
    }
  })

  it('second derivative: hessian of Σ relu(x)² is diag(2·[x > 0])', () => {
    const x = tensor([-1.5, 0, 0.5, 2], [4], 'float64')
    const h = hessian((v: Tensor) => ops.sum(square(relu(v))))(x) as Tensor
    expect(h.toArray()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 2, 0],
      [0, 0, 0, 2],
    ])
  })

  it('checkGrads to order 3 away from the kink (reluMask differentiated through itself)', () => {
    const r = rng(3)
    // |x| ≥ 0.25, so ±eps never crosses 0
    const x = tensor(
      Array.from({ length: 12 }, () => (r() < 0.5 ? -1 : 1) * (0.25 + r())),
      [3, 4],
      'float64',
    )
    const f = (v: Tensor) => ops.sum(mul(relu(v), mul(v, v)))
    expect(() => checkGrads(f, [x], { order: 3 })).not.toThrow()
  })
})

describe('linear (x·w + b as one op)', () => {
  const composed = (x: Tensor, w: Tensor, b: Tensor): Tensor => add(matmul(x, w), b)

  it('values from the definition: y_ij = Σ_k x_ik·w_kj + b_j', () => {
    const x = tensor([
      [1, 2, 3],
      [-1, 0, 2],
    ])
    const w = tensor([
      [1, 0],
      [0, 1],
      [2, -1],
    ])
    const y = linear(x, w, tensor([0.5, -2]))
    expect(y.shape).toEqual([2, 2])
    expect(y.toArray()).toEqual([
      [1 + 6 + 0.5, 2 - 3 - 2],
      [-1 + 4 + 0.5, 0 - 2 - 2],
    ])
    expect(linear(tensor([1, 2, 3]), w, tensor([0, 0])).toArray()).toEqual([7, -1])
  })

  it('gradients from the closed forms: x̄ = ȳ·wᵀ, w̄ = xᵀ·ȳ, b̄ = Σ_rows ȳ', () => {
    const r = rng(11)
    const [x, w, b, u] = [randTensor(r, [3, 4]), randTensor(r, [4, 5]), randTensor(r, [5]), randTensor(r, [3, 5])]
    const [, back] = vjp(linearT, x, w, b)
    const [gx, gw, gb] = back(u)
    const X = x.toArray() as number[][]
    const W = w.toArray() as number[][]
    const U = u.toArray() as number[][]
    const want = {
      x: X.map((row, i) => row.map((_, k) => W[k]!.reduce((s, wkj, j) => s + U[i]![j]! * wkj, 0))),
      w: W.map((row, k) => row.map((_, j) => X.reduce((s, xi, i) => s + xi[k]! * U[i]![j]!, 0))),
      b: U[0]!.map((_, j) => U.reduce((s, ui) => s + ui[j]!, 0)),
    }
    const close = (a: Tensor, e: number[] | number[][]) =>
      (e.flat() as number[]).forEach((v, i) => expect(a.data[i]).toBeCloseTo(v, 12))
    close(gx, want.x)
    close(gw, want.w)
    close(gb, want.b)
  })

  it.each([
    ['2-D x', [3, 4]],
    ['1-D x', [4]],
    ['3-D x (leading batch axes)', [2, 3, 4]],
  ])('checkGrads to order 3 in float64: %s', (_, xShape) => {
    const r = rng(5)
    const args: [Tensor, Tensor, Tensor] = [randTensor(r, xShape), randTensor(r, [4, 3]), randTensor(r, [3])]
    // a nonlinear head, so that the second and third derivatives reach every argument
    const f = (x: Tensor, w: Tensor, b: Tensor) => ops.sum(mul(linear(x, w, b), linear(x, w, b)))
    expect(() => checkGrads(f, args, { order: 3 })).not.toThrow()
  })

  it('bit for bit the values and gradients of add(matmul(x, w), b): float32 TS loop and SIMD kernel, float64', () => {
    const r = rng(9)
    const cases: [number, number, number, 'float32' | 'float64'][] = [
      [3, 4, 5, 'float32'], // below the SIMD threshold
      [32, 40, 24, 'float32'], // through the SIMD kernel
      [6, 7, 5, 'float64'],
    ]
    for (const [m, k, n, dtype] of cases) {
      const [x, w, b, u] = [[m, k], [k, n], [n], [m, n]].map((s) => cast(randTensor(r, s), dtype)) as Tensor[]
      sameBits(linear(x!, w!, b!), composed(x!, w!, b!))
      const [, b1] = vjp(linearT, x!, w!, b!)
      const [, b2] = vjp(composed, x!, w!, b!)
      const g1 = b1(u!)
      const g2 = b2(u!)
      g1.forEach((g, i) => sameBits(g, g2[i]!))
    }
  })

  it('promotes: a float64 bias gives a float64 result equal to the composed ops, and float32 cotangents for x, w', () => {
    const r = rng(13)
    const x = cast(randTensor(r, [2, 3]), 'float32')
    const w = cast(randTensor(r, [3, 2]), 'float32')
    const b = randTensor(r, [2])
    sameBits(linear(x, w, b), composed(x, w, b))
    const [, back] = vjp(linearT, x, w, b)
    const [gx, gw, gb] = back(tensor([1, 1, 1, 1], [2, 2], 'float64'))
    expect([gx.dtype, gw.dtype, gb.dtype]).toEqual(['float32', 'float32', 'float64'])
    expect(bits(gb)).toEqual([2, 2])
  })

  it('composes with relu and the rest of the ops (an MLP loss) and matches the composed model', () => {
    const r = rng(17)
    const p = { w1: randTensor(r, [5, 4]), b1: randTensor(r, [4]), w2: randTensor(r, [4, 3]), b2: randTensor(r, [3]) }
    const x = randTensor(r, [6, 5])
    const fused = (q: typeof p) => ops.sum(ops.logSoftmax(linear(relu(linear(x, q.w1, q.b1)), q.w2, q.b2)))
    const plain = (q: typeof p) => ops.sum(ops.logSoftmax(composed(reluComposed(composed(x, q.w1, q.b1)), q.w2, q.b2)))
    const g1 = grad(fused)(p)
    const g2 = grad(plain)(p)
    for (const k of ['w1', 'b1', 'w2', 'b2'] as const) sameBits(g1[k], g2[k])
    expect(() => checkGrads(fused, [p], { order: 2 })).not.toThrow()
  })

  it('refuses mismatched shapes with a ShapeError naming them', () => {
    const w = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(() => linear(tensor([[1, 2]]), w, tensor([0, 0]))).toThrow(ShapeError)
    expect(() => linear(tensor([[1, 2, 3]]), w, tensor([0, 0, 0]))).toThrow(/bias must have shape \[2\]/)
    expect(() => linear(tensor([[1, 2, 3]]), w, tensor(0))).toThrow(ShapeError)
    expect(() => linear(tensor([1, 2, 3]), tensor([1, 2, 3]), tensor([0]))).toThrow(/w of shape \[k, n\]/)
    expect(() => linear(tensor(1), w, tensor([0, 0]))).toThrow(ShapeError)
    // a [out, in] matrix is accepted once transposed, as the message says
    expect(linear(tensor([[1, 2]]), transpose(w), tensor([0, 0, 0])).toArray()).toEqual([[5, 11, 17]])
  })
})

describe('logSoftmax (one primitive)', () => {
  /** The composition it replaces. */
  const composed = (x: Tensor, axis: number | number[]): Tensor => {
    const shifted = sub(x, stopGradient(ops.max(x, { axis, keepDims: true })))
    return sub(shifted, log(ops.sum(exp(shifted), { axis, keepDims: true })))
  }

  it('bit for bit the values of the composed ops, float32 and float64, every axis, with ±∞ and NaN slices', () => {
    const r = rng(21)
    const vals = Array.from({ length: 60 }, () => 40 * r() - 20)
    // row 1: a −∞ among finite values; row 2: only −∞; row 3: +∞; row 4: NaN
    vals.splice(5, 1, -Infinity)
    vals.splice(10, 5, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity)
    vals.splice(17, 1, Infinity)
    vals.splice(22, 1, NaN)
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor(vals, [12, 5], dtype)
      for (const axis of [-1, 0, [0, 1]]) sameBits(ops.logSoftmax(x, axis), composed(x, axis))
      const x3 = tensor(vals, [3, 4, 5], dtype)
      for (const axis of [-1, 1, [1, 2]]) sameBits(ops.logSoftmax(x3, axis), composed(x3, axis))
    }
  })

  it('gradient from the closed form x̄ = ȳ − softmax(x)·Σȳ, and 0 for a constant shift (Σ softmax = 1)', () => {
    const x = tensor([1, 2, 3], [3], 'float64')
    const u = tensor([0.5, -1, 2], [3], 'float64')
    const [, back] = vjp((v: Tensor) => ops.logSoftmax(v), x)
    const e = [1, 2, 3].map(Math.exp)
    const z = e[0]! + e[1]! + e[2]!
    const want = [0.5, -1, 2].map((ui, i) => ui - (e[i]! / z) * 1.5)
    bits(back(u)[0]).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 14))
    const [, t] = jvp((v: Tensor) => ops.logSoftmax(v), [x], [tensor([1, 1, 1], [3], 'float64')])
    bits(t).forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-15))
  })

  it.each([
    ['last axis', [3, 4], -1],
    ['axis 0', [3, 4], 0],
    ['two axes', [2, 3, 2], [0, 2]],
  ])('checkGrads to order 3 in float64: %s', (_, shape, axis) => {
    const r = rng(23)
    const x = randTensor(r, shape as number[])
    const c = randTensor(r, shape as number[])
    const f = (v: Tensor) => ops.sum(mul(ops.logSoftmax(v, axis as number | number[]), c))
    expect(() => checkGrads(f, [x], { order: 3 })).not.toThrow()
  })
})

describe("logSoftmax's VJP (one primitive: ct − exp(y)·Σct)", () => {
  /** The composition it replaces: sub(ct, mul(exp(y), sum(ct))). */
  const composed = (ct: Tensor, y: Tensor, axis: number | number[]): Tensor =>
    sub(ct, mul(exp(y), ops.sum(ct, { axis, keepDims: true })))
  const pullback = (x: Tensor, axis: number | number[], ct: Tensor): Tensor =>
    vjp((v: Tensor) => ops.logSoftmax(v, axis), x)[1](ct)[0]

  it('bit for bit the composed ops, float32 and float64, every axis, with ±∞ and NaN in x and in ct', () => {
    const r = rng(31)
    const vals = Array.from({ length: 60 }, () => 30 * r() - 15)
    vals.splice(5, 1, -Infinity)
    vals.splice(17, 1, Infinity)
    vals.splice(22, 1, NaN)
    const cts = Array.from({ length: 60 }, () => 4 * r() - 2)
    cts.splice(33, 1, NaN)
    cts.splice(41, 1, Infinity)
    cts.splice(48, 2, -0, 0)
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [
        [12, 5],
        [3, 4, 5],
        [60, 1],
        [1, 60],
      ]) {
        const x = tensor(vals, shape, dtype)
        const ct = tensor(cts, shape, dtype)
        const axes = shape.length === 2 ? [-1, 0, [0, 1]] : [-1, 1, [1, 2]]
        for (const axis of axes) sameBits(pullback(x, axis, ct), composed(ct, ops.logSoftmax(x, axis), axis))
      }
    }
  })

  it('a float64 cotangent of a float32 logSoftmax: the cotangent is cast to float32 first, as before', () => {
    const x = tensor([0.5, -1, 2, 3], [2, 2])
    const ct = tensor([1, 2, -3, 0.25], [2, 2], 'float64')
    const got = pullback(x, -1, ct)
    expect(got.dtype).toBe('float32')
    sameBits(got, composed(cast(ct, 'float32'), ops.logSoftmax(x), -1))
  })

  it.each([
    ['last axis', [3, 4], -1],
    ['axis 0', [3, 4], 0],
    ['two axes', [2, 3, 2], [0, 2]],
  ])('checkGrads to order 2 in both x and the cotangent (float64): %s', (_, shape, axis) => {
    const r = rng(37)
    const x = randTensor(r, shape as number[])
    const ct = randTensor(r, shape as number[])
    const d = randTensor(r, shape as number[])
    const f = (v: Tensor, c: Tensor) => ops.sum(mul(pullback(v, axis as number | number[], c), d))
    expect(() => checkGrads(f, [x, ct], { order: 2 })).not.toThrow()
  })

  it('its gradient in the cotangent from the closed form: c̄ = ū − Σ softmax·ū, and in x: x̄ = −softmax·ū·Σc', () => {
    const x = tensor([1, 2, 3], [3], 'float64')
    const c = tensor([0.5, -1, 2], [3], 'float64')
    const u = tensor([1, -2, 0.5], [3], 'float64')
    const e = [1, 2, 3].map(Math.exp)
    const z = e[0]! + e[1]! + e[2]!
    const p = e.map((v) => v / z)
    const su = [1, -2, 0.5].reduce((a, v, i) => a + p[i]! * v, 0)
    const [gx, gc] = grad((v: Tensor, w: Tensor) => ops.sum(mul(pullback(v, -1, w), u)), { argnums: [0, 1] })(x, c) as [
      Tensor,
      Tensor,
    ]
    ;[1, -2, 0.5].forEach((ui, i) => expect(gc.data[i]).toBeCloseTo(ui - su, 13))
    // d/dx of −softmax(x)·Σc through y = logSoftmax(x): ȳ = −p⊙u·Σc, then x̄ = ȳ − p·Σȳ
    const sc = 1.5
    const yb = [1, -2, 0.5].map((ui, i) => -p[i]! * ui * sc)
    const syb = yb.reduce((a, v) => a + v, 0)
    yb.forEach((v, i) => expect(gx.data[i]).toBeCloseTo(v - p[i]! * syb, 13))
  })
})

describe('sums over one axis of a matrix (bias gradients, softmax backward)', () => {
  it('axis 0 and axis 1 give the float64 sums of the math, rounded once, with NaN and ±∞ propagated', () => {
    const rows = [
      [1e8, 1, -1e8],
      [0.1, 0.2, 0.3],
      [Infinity, NaN, -0],
    ]
    for (const dtype of ['float32', 'float64'] as const) {
      const x = tensor(rows.flat(), [3, 3], dtype)
      const v = (rows.flat() as number[]).map((e) => (dtype === 'float32' ? Math.fround(e) : e))
      const col = [0, 1, 2].map((j) => v[j]! + v[3 + j]! + v[6 + j]!)
      const row = [0, 1, 2].map((i) => v[3 * i]! + v[3 * i + 1]! + v[3 * i + 2]!)
      const round = (e: number) => (dtype === 'float32' ? Math.fround(e) : e)
      bits(ops.sum(x, 0)).forEach((e, j) => expect(Object.is(e, round(col[j]!)), `column ${j}`).toBe(true))
      bits(ops.sum(x, 1)).forEach((e, i) => expect(Object.is(e, round(row[i]!)), `row ${i}`).toBe(true))
    }
  })

  it('the same bits as the general strided loop (a 3-D tensor), −0 sums to +0, empty, one-element and wide sides', () => {
    const r = rng(41)
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [rows, cols] of [
        [4, 3],
        [1, 7],
        [7, 1],
        [0, 3],
        [3, 0],
        [5, 5],
        // columns summed four at a time: whole groups, and a group plus a remainder
        [6, 8],
        [9, 11],
        [32, 64],
      ] as const) {
        const vals = Array.from({ length: rows * cols }, () => (r() < 0.2 ? -0 : 1e6 * r() - 5e5 + r()))
        const x = tensor(vals, [rows, cols], dtype)
        const x3 = ops.reshape(x, [1, rows, cols])
        for (const axis of [0, 1])
          sameBits(ops.sum(x, axis), ops.reshape(ops.sum(x3, axis + 1), [[cols], [rows]][axis]!))
      }
      // a vector's sum (a mean over the batch): one running sum, as the general loop
      for (const n of [0, 1, 5, 33]) {
        const v = tensor(
          Array.from({ length: n }, () => (r() < 0.2 ? -0 : 1e6 * r() - 5e5 + r())),
          [n],
          dtype,
        )
        sameBits(ops.sum(v, 0), ops.reshape(ops.sum(ops.reshape(v, [1, 1, n]), 2), []))
      }
      const zeros = tensor([-0, -0, -0, -0], [2, 2], dtype)
      expect(Object.is(ops.sum(tensor([-0, -0], [2], dtype)).data[0], 0)).toBe(true)
      for (const axis of [0, 1]) bits(ops.sum(zeros, axis)).forEach((e) => expect(Object.is(e, 0)).toBe(true))
    }
  })
})
