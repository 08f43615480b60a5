// Issue 16: every exported op (the `ops` namespace) on tensors holding NaN, ±Infinity, ±0 and subnormals at random
// positions, in both dtypes, against float64 references evaluated with IEEE rules and rounded to the dtype; and the
// VJP of matmul on both sides of the SIMD threshold.
import { fc, test } from '@fast-check/vitest'
import { describe } from 'vitest'
import { type Tensor, ops, tensor, vjp } from '../../src/index'
import { THRESHOLDS } from '../../src/kernels/dispatch'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { EXTREMES, SPECIALS, expectIeee, fillArb, filled, roundTo } from '../_helpers/nonFinite'

type DType = 'float32' | 'float64'
const dtypeArb = fc.constantFrom<DType>('float32', 'float64')
const t = (n: number, f: Parameters<typeof filled>[1], d: DType, shape: readonly number[] = [n]) =>
  tensor(filled(n, f, d), shape)
const data = (x: Tensor) => x.data

const ieeeMax = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : a === b ? (Object.is(a, -0) ? b : a) : a > b ? a : b
const ieeeMin = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : a === b ? (Object.is(a, -0) ? a : b) : a < b ? a : b
/** C99 Annex F pow: Math.pow except pow(+1, y) = 1 and pow(−1, ±∞) = 1. */
const ieeePow = (x: number, y: number) =>
  y === 0 || x === 1 || (x === -1 && Math.abs(y) === Infinity) ? 1 : Math.pow(x, y)
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))

/** Relative float32-ish tolerance for ops built from several rounded steps. */
const rel = (want: ArrayLike<number>, r: number) => (i: number) => r * Math.abs(want[i]!) + 2 ** -140
const COMPOSITE = 2 ** -19

// Primitives computed once in float64 and rounded: bit-exact, signed zeros included.
const EXACT_UNARY: Record<string, [(x: Tensor) => Tensor, (x: number) => number]> = {
  exp: [ops.exp, Math.exp],
  expm1: [ops.expm1, Math.expm1],
  log: [ops.log, Math.log],
  log1p: [ops.log1p, Math.log1p],
  sqrt: [ops.sqrt, Math.sqrt],
  rsqrt: [ops.rsqrt, (x) => 1 / Math.sqrt(x)],
  abs: [ops.abs, Math.abs],
  sign: [ops.sign, (x) => (x > 0 ? 1 : x < 0 ? -1 : x)],
  sin: [ops.sin, Math.sin],
  cos: [ops.cos, Math.cos],
  tanh: [ops.tanh, Math.tanh],
  neg: [ops.neg, (x) => -x],
  square: [ops.square, (x) => x * x],
  reciprocal: [ops.reciprocal, (x) => 1 / x],
  stopGradient: [ops.stopGradient, (x) => x],
  relu: [ops.relu, (x) => ieeeMax(x, 0)],
}
// Composites (several rounded steps, or a stable formula): the IEEE class exactly, finite values within tolerance.
const COMPOSITE_UNARY: Record<string, [(x: Tensor) => Tensor, (x: number) => number]> = {
  sigmoid: [ops.sigmoid, sigmoid],
  leakyRelu: [(x) => ops.leakyRelu(x, 0.5), (x) => (x >= 0 ? x : 0.5 * x)],
  elu: [ops.elu, (x) => (x > 0 ? x : Math.expm1(x))],
  gelu: [ops.gelu, (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
  silu: [ops.silu, (x) => x * sigmoid(x)],
  softplus: [ops.softplus, (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))],
}
const BINARY: Record<string, [(a: Tensor, b: Tensor) => Tensor, (a: number, b: number) => number]> = {
  add: [ops.add, (a, b) => a + b],
  sub: [ops.sub, (a, b) => a - b],
  mul: [ops.mul, (a, b) => a * b],
  div: [ops.div, (a, b) => a / b],
  pow: [ops.pow, ieeePow],
  maximum: [ops.maximum, ieeeMax],
  minimum: [ops.minimum, ieeeMin],
  greater: [ops.greater, (a, b) => +(a > b)],
  greaterEqual: [ops.greaterEqual, (a, b) => +(a >= b)],
  less: [ops.less, (a, b) => +(a < b)],
  lessEqual: [ops.lessEqual, (a, b) => +(a <= b)],
  equal: [ops.equal, (a, b) => +(a === b)],
  notEqual: [ops.notEqual, (a, b) => +(a !== b)],
}
const pool = [...SPECIALS, ...EXTREMES]

describe('element-wise ops follow IEEE 754', () => {
  test.prop([fillArb(pool), dtypeArb])('unary ops and activations', (f, d) => {
    const x = t(40, f, d)
    for (const [name, [op, ref]] of Object.entries(EXACT_UNARY))
      expectIeee(
        name,
        data(op(x)),
        Array.from(x.data, (v) => roundTo(d, ref(v))),
      )
    for (const [name, [op, ref]] of Object.entries(COMPOSITE_UNARY)) {
      const want = Array.from(x.data, (v) => roundTo(d, ref(v)))
      // Each float32 step rounds relative to its own terms (|x| here), not to the result.
      const tol = (i: number) => COMPOSITE * (Math.abs(want[i]!) + Math.abs(x.data[i]!)) + 2 ** -140
      expectIeee(name, data(op(x)), want, { tol, zeroSign: false })
    }
  })

  test.prop([
    fillArb(pool),
    fillArb(pool),
    dtypeArb,
    fc.constantFrom(
      [
        [4, 5],
        [4, 5],
      ],
      [[4, 5], [5]],
      [[4, 1], [5]],
      [[4, 5], []],
    ),
  ])('binary ops and comparisons with broadcasting; where; clip', (fa, fb, d, [sa, sb]) => {
    const n = (s: readonly number[]) => s.reduce((p, q) => p * q, 1)
    const a = t(n(sa), fa, d, sa)
    const b = t(n(sb), fb, d, sb)
    const bAt = (i: number) => b.data[sb.length === 0 ? 0 : sb.length === 1 ? i % 5 : i]!
    const aAt = (i: number) => a.data[sa[1] === 1 ? Math.floor(i / 5) : i]!
    for (const [name, [op, ref]] of Object.entries(BINARY)) {
      expectIeee(
        name,
        data(op(a, b)),
        Array.from({ length: 20 }, (_, i) => roundTo(d, ref(aAt(i), bAt(i)))),
      )
      if (name !== 'add' && name !== 'mul') continue
      expectIeee(
        `${name} (swapped)`,
        data(op(b, a)),
        Array.from({ length: 20 }, (_, i) => roundTo(d, ref(bAt(i), aAt(i)))),
      )
    }
    const c = ops.greater(a, 0)
    expectIeee(
      'where',
      data(ops.where(a, a, b)),
      Array.from({ length: 20 }, (_, i) => (aAt(i) !== 0 ? aAt(i) : bAt(i))),
    )
    expectIeee(
      'where(a > 0, a, 0)',
      data(ops.where(c, a, 0)),
      Array.from(a.data, (v) => (v > 0 ? v : 0)),
    )
    const clipped = Array.from({ length: 20 }, (_, i) => ieeeMin(ieeeMax(aAt(i), -1), bAt(i)))
    expectIeee('clip', data(ops.clip(a, -1, b)), clipped)
  })

  test.prop([fillArb(pool), dtypeArb])('shape ops copy every value bit for bit; cast rounds', (f, d) => {
    const x = t(24, f, d, [4, 6])
    const xs = Array.from(x.data)
    expectIeee('reshape', data(ops.reshape(x, [6, 4])), xs)
    expectIeee('expandDims/squeeze', data(ops.squeeze(ops.expandDims(x, 0))), xs)
    expectIeee(
      'transpose',
      data(ops.transpose(x)),
      Array.from({ length: 24 }, (_, i) => xs[(i % 4) * 6 + Math.floor(i / 4)]!),
    )
    expectIeee('broadcastTo', data(ops.broadcastTo(x, [2, 4, 6])), [...xs, ...xs])
    expectIeee('concat', data(ops.concat([x, x], 0)), [...xs, ...xs])
    expectIeee('stack', data(ops.stack([x, x])), [...xs, ...xs])
    expectIeee('slice', data(ops.slice(x, [1, 0], [1, 6])), xs.slice(6, 12))
    expectIeee('pad', data(ops.pad(ops.reshape(x, [24]), [[1, 0]])), [0, ...xs])
    expectIeee('take', data(ops.take(x, tensor([3, 0]), 0)), [...xs.slice(18), ...xs.slice(0, 6)])
    expectIeee('cast', data(ops.cast(x, 'float32')), xs.map(Math.fround))
    expectIeee('oneHot', data(ops.oneHot(tensor([2, 0]), 3)), [0, 0, 1, 1, 0, 0])
  })
})

describe('reductions, softmax and norms follow IEEE 754 (stable formulas where documented)', () => {
  const slices = (x: Tensor, r: number, c: number) =>
    Array.from({ length: r }, (_, i) => Array.from(x.data.subarray(i * c, (i + 1) * c)))

  test.prop([fillArb(pool), dtypeArb, fc.constantFrom(1, 3, 17)])(
    'sum, max, min, prod, norm over the last axis',
    (f, d, c) => {
      const x = t(4 * c, f, d, [4, c])
      const rows = slices(x, 4, c)
      const red = (g: (r: number[]) => number) => rows.map((r) => roundTo(d, g(r)))
      const absSum = rows.map((r) => r.reduce((s, v) => s + Math.abs(v), 0))
      expectIeee(
        'sum',
        data(ops.sum(x, 1)),
        red((r) => r.reduce((s, v) => s + v, 0)),
        {
          tol: (i) => 1e-15 * absSum[i]!,
        },
      )
      expectIeee(
        'max',
        data(ops.max(x, 1)),
        red((r) => r.reduce(ieeeMax, -Infinity)),
      )
      expectIeee(
        'min',
        data(ops.min(x, 1)),
        red((r) => r.reduce(ieeeMin, Infinity)),
      )
      // prod rounds each pairwise partial product to the dtype, so no extremes or subnormals (under/overflow) here.
      const y = t(4 * c, { ...f, pool: f.pool.filter((v) => !Number.isFinite(v) || v === 0) }, d, [4, c])
      const prod = slices(y, 4, c).map((r) =>
        roundTo(
          d,
          r.reduce((s, v) => s * v, 1),
        ),
      )
      expectIeee('prod', data(ops.prod(y, 1)), prod, { tol: rel(prod, COMPOSITE) })
      const l2 = red((r) => Math.sqrt(r.reduce((s, v) => s + v * v, 0)))
      expectIeee('norm', data(ops.norm(x, { axis: 1 })), l2, { tol: rel(l2, COMPOSITE) })
      const l1 = red((r) => r.reduce((s, v) => s + Math.abs(v), 0))
      expectIeee('norm ord 1', data(ops.norm(x, { axis: 1, ord: 1 })), l1, { tol: (i) => 1e-15 * absSum[i]! })
      expectIeee(
        'norm ord ∞',
        data(ops.norm(x, { axis: 1, ord: Infinity })),
        red((r) => r.map(Math.abs).reduce(ieeeMax, -Infinity)),
      )
    },
  )

  test.prop([fillArb(), dtypeArb, fc.constantFrom(1, 3, 17)])(
    'mean, logsumexp, softmax, logSoftmax over the last axis',
    (f, d, c) => {
      // No values near the float32 limit here: mean's sum is rounded before the division (documented exception).
      const x = t(4 * c, f, d, [4, c])
      const rows = slices(x, 4, c)
      const mean = rows.map((r) => roundTo(d, r.reduce((s, v) => s + v, 0) / c))
      expectIeee('mean', data(ops.mean(x, 1)), mean, { tol: rel(mean, COMPOSITE) })
      // logsumexp's exact value: NaN with a NaN, +∞ with a +∞, else m + log Σ exp(x − m) (−∞ for an all −∞ slice).
      const lse = rows.map((r) => {
        if (r.some(Number.isNaN)) return NaN
        if (r.includes(Infinity)) return Infinity
        const m = Math.max(...r)
        if (m === -Infinity) return -Infinity
        return roundTo(d, m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0)))
      })
      expectIeee('logsumexp', data(ops.logsumexp(x, 1)), lse, { tol: rel(lse, COMPOSITE), zeroSign: false })
      // softmax and logSoftmax: the max-subtracted formula (jax.nn), evaluated with IEEE rules in float64.
      const sm: number[] = []
      const lsm: number[] = []
      for (const r of rows) {
        const m = r.reduce(ieeeMax, -Infinity)
        const s = r.reduce((acc, v) => acc + Math.exp(v - m), 0)
        for (const v of r) {
          sm.push(roundTo(d, Math.exp(v - m) / s))
          lsm.push(roundTo(d, v - m - Math.log(s)))
        }
      }
      expectIeee('softmax', data(ops.softmax(x)), sm, { tol: rel(sm, COMPOSITE), zeroSign: false })
      expectIeee('logSoftmax', data(ops.logSoftmax(x)), lsm, {
        tol: (i) => COMPOSITE * (Math.abs(lsm[i]!) + 8), // |x| ≤ 4: x − m and log s round at that scale
        zeroSign: false,
      })
    },
  )
})

describe('matmul, dot, outer and the matmul VJP follow IEEE 754 on both sides of the SIMD threshold', () => {
  /** op(A)·op(B) summed in float64 from +0 in increasing k; also Σ|a·b| for float32-accumulation tolerances. */
  function ref(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number, tA = false, tB = false) {
    const sum: number[] = []
    const abs: number[] = []
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0
        let u = 0
        for (let k = 0; k < K; k++) {
          const p = (tA ? a[k * M + i]! : a[i * K + k]!) * (tB ? b[j * K + k]! : b[k * N + j]!)
          s += p
          u += Math.abs(p)
        }
        sum.push(s)
        abs.push(u)
      }
    return { sum, abs }
  }
  const check = (
    label: string,
    got: Tensor,
    r: { sum: number[]; abs: number[] },
    K: number,
    d: DType,
    macs: number,
  ) => {
    const simd = d === 'float32' && macs >= THRESHOLDS.matmulWasmMinMacs && wasmAvailable()
    if (simd) expectIeee(label, got.data, r.sum, { tol: (i) => (K + 1) * 2 ** -23 * r.abs[i]! + 2 ** -140 })
    else
      expectIeee(
        label,
        got.data,
        r.sum.map((v) => roundTo(d, v)),
      )
  }

  for (const [M, K, N] of [
    [3, 5, 2],
    [16, 16, 16],
  ] as const) {
    test.prop([fillArb(), fillArb(), fillArb(), dtypeArb], { numRuns: 15 })(
      `${M}×${K}·${K}×${N}: matmul, and its VJP Ā = C̄·Bᵀ, B̄ = Aᵀ·C̄`,
      (fa, fb, fc_, d) => {
        const a = t(M * K, fa, d, [M, K])
        const b = t(K * N, fb, d, [K, N])
        const ct = t(M * N, fc_, d, [M, N])
        const [c, pullback] = vjp((x: Tensor, y: Tensor) => ops.matmul(x, y), a, b)
        check('C', c as Tensor, ref(a.data, b.data, M, K, N), K, d, M * K * N)
        const [ga, gb] = pullback(ct) as unknown as [Tensor, Tensor]
        check('Ā', ga, ref(ct.data, b.data, M, N, K, false, true), N, d, M * N * K)
        check('B̄', gb, ref(a.data, ct.data, K, M, N, true, false), M, d, K * M * N)
      },
    )
  }

  test.prop([fillArb(), fillArb(), dtypeArb])('dot and outer', (fa, fb, d) => {
    const u = t(9, fa, d)
    const v = t(9, fb, d)
    // dot of vectors is sum(mul(u, v)): each product rounded to the dtype, then summed.
    const r = ref(u.data, v.data, 1, 9, 1)
    expectIeee('dot', ops.dot(u, v).data, r.sum, { tol: (i) => 10 * 2 ** -23 * r.abs[i]! + 2 ** -140 })
    // outer is one product per element (no sum, so −0 stays −0).
    const outer = Array.from({ length: 81 }, (_, i) => roundTo(d, u.data[Math.floor(i / 9)]! * v.data[i % 9]!))
    expectIeee('outer', ops.outer(u, v).data, outer)
    check('matmul vector', ops.matmul(u, ops.reshape(v, [9, 1])), ref(u.data, v.data, 1, 9, 1), 9, d, 9)
  })
})
