// Issue 16: NaN, ±Infinity, ±0 and subnormals at random positions through the element-wise, reduction, selection
// and copy kernels (cpuBackend, ndarray, gpu.js) and the fused Adam/AdamW kernels (TS and SIMD, both sides of
// ADAMW_WASM_MIN), compared with float64 references evaluated with IEEE rules and rounded to the output dtype.
import { fc, test } from '@fast-check/vitest'
import { afterAll, describe, expect } from 'vitest'
import { releaseGpu, useGpu } from '../../src/gpu/index'
import { cpuBackend } from '../../src/kernels/cpu'
import { gpuKernels } from '../../src/kernels/dispatch'
import { ADAMW_WASM_MIN, adamwFused } from '../../src/kernels/fused/adamwFused'
import * as K from '../../src/kernels/ndarray'
import { type AdamwScalars, wasmAvailable } from '../../src/kernels/wasm/index'
import { EXTREMES, SPECIALS, expectIeee, fillArb, filled, roundTo } from '../_helpers/nonFinite'

const dtypeArb = fc.constantFrom('float32' as const, 'float64' as const)
const Ctor = (d: 'float32' | 'float64') => (d === 'float32' ? Float32Array : Float64Array)
const pool = [...SPECIALS, ...EXTREMES]

/** IEEE 754-2019 maximum / minimum, written from the standard's definition (NaN wins; −0 < +0). */
const ieeeMax = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : a === b ? (Object.is(a, -0) ? b : a) : a > b ? a : b
const ieeeMin = (a: number, b: number) =>
  Number.isNaN(a) || Number.isNaN(b) ? NaN : a === b ? (Object.is(a, -0) ? a : b) : a < b ? a : b

const BINARY: Record<K.FastBinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  gt: (a, b) => (a > b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
}

// [a shape, b shape] covering every loop of K.binary: same shape, scalar either side, trailing row either side,
// and the general strided broadcast.
const LAYOUTS: readonly (readonly [number[], number[]])[] = [
  [
    [5, 7],
    [5, 7],
  ],
  [[5, 7], []],
  [[], [5, 7]],
  [[5, 7], [7]],
  [[7], [5, 7]],
  [
    [5, 1],
    [1, 7],
  ],
  [
    [2, 5, 1],
    [5, 7],
  ],
]
const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1)

/** The broadcast reference: element `flat` of `outShape` read from an operand of `shape` (NumPy rules). */
function at(data: ArrayLike<number>, shape: readonly number[], outShape: readonly number[], flat: number): number {
  let off = 0
  let stride = 1
  for (let d = outShape.length - 1, rest = flat; d >= 0; d--) {
    const i = rest % outShape[d]!
    rest = Math.floor(rest / outShape[d]!)
    const sd = d - (outShape.length - shape.length)
    if (sd >= 0) {
      if (shape[sd] !== 1) off += i * stride
      stride *= shape[sd]!
    }
  }
  return data[off]!
}

describe('element-wise and reduction kernels follow IEEE 754', () => {
  test.prop([fillArb(pool), fillArb(pool), fc.constantFrom(...LAYOUTS), dtypeArb])(
    'ndarray binary (every fast path and op) and maximum/minimum closures',
    (fa, fb, [sa, sb], dtype) => {
      const out = K.broadcastShapes(sa, sb)!
      const a = filled(sizeOf(sa), fa, dtype)
      const b = filled(sizeOf(sb), fb, dtype)
      const n = sizeOf(out)
      const ops = [...Object.entries(BINARY), ['maximum', ieeeMax], ['minimum', ieeeMin]] as const
      for (const [op, f] of ops) {
        const fast = op in BINARY ? (op as K.FastBinaryOp) : undefined
        const want = Float64Array.from({ length: n }, (_, i) => roundTo(dtype, f(at(a, sa, out, i), at(b, sb, out, i))))
        // The closure the op layer passes: for maximum/minimum Math.max/Math.min, which are IEEE 754-2019's.
        const g = op === 'maximum' ? Math.max : op === 'minimum' ? Math.min : f
        expectIeee(`${op} ${JSON.stringify([sa, sb])}`, K.binary(g, a, sa, b, sb, out, Ctor(dtype), fast), want)
      }
    },
  )

  test.prop([fillArb(), fillArb(), fillArb([NaN, -0, 0, 1]), fc.constantFrom(...LAYOUTS), dtypeArb])(
    'select: a NaN condition picks a (NaN ≠ 0), −0 picks b; the picked value is copied bit for bit',
    (fa, fb, fc_, [sa, sb], dtype) => {
      const out = K.broadcastShapes(sa, sb)!
      const shapes = [out, sa, sb] as const
      for (const [sc, sx, sy] of [shapes, [out, [], sb], [out, sa, []], [[1], sa, sb]] as const) {
        const o = K.broadcastShapes(sc, sx, sy)!
        const c = filled(sizeOf(sc), fc_, dtype)
        const x = filled(sizeOf(sx), fa, dtype)
        const y = filled(sizeOf(sy), fb, dtype)
        const want = Array.from({ length: sizeOf(o) }, (_, i) =>
          at(c, sc, o, i) !== 0 ? at(x, sx, o, i) : at(y, sy, o, i),
        )
        expectIeee('select', K.select(c, sc, x, sx, y, sy, o, Ctor(dtype)), want)
      }
    },
  )

  test.prop([fillArb(pool), dtypeArb, fc.constantFrom<readonly number[]>([0], [1], [0, 1], [1, 2], [0, 2])])(
    'reduce sum / max / min over axes of [3, 4, 5]: float64 sum from +0; IEEE maximum / minimum',
    (fa, dtype, axes) => {
      const shape = [3, 4, 5]
      const a = filled(60, fa, dtype)
      const outShape = shape.filter((_, i) => !axes.includes(i))
      const m = sizeOf(outShape)
      const groups: number[][] = Array.from({ length: m }, (): number[] => [])
      for (let f = 0; f < 60; f++) {
        const idx = [Math.floor(f / 20), Math.floor(f / 5) % 4, f % 5]
        const o = idx.filter((_, i) => !axes.includes(i)).reduce((s, v, i) => s * outShape[i]! + v, 0)
        groups[o]!.push(a[f]!)
      }
      const sums = groups.map((g) =>
        roundTo(
          dtype,
          g.reduce((s, v) => s + v, 0),
        ),
      )
      // Sums of float32 values in float64 are exact up to 2^29 terms of similar size: compare exactly after rounding,
      // except where partial sums differ in order (a few float64 ulps before rounding).
      expectIeee('sum', K.reduce('sum', a, shape, axes, Ctor(dtype)), sums, {
        tol: (i) => (dtype === 'float64' ? 1e-12 * groups[i]!.reduce((s, v) => s + Math.abs(v), 0) : 0),
      })
      expectIeee(
        'max',
        K.reduce('max', a, shape, axes, Ctor(dtype)),
        groups.map((g) => g.reduce(ieeeMax, -Infinity)),
      )
      expectIeee(
        'min',
        K.reduce('min', a, shape, axes, Ctor(dtype)),
        groups.map((g) => g.reduce(ieeeMin, Infinity)),
      )
    },
  )

  test.prop([fillArb(pool), fillArb(pool), fillArb(pool), dtypeArb])(
    'cpuBackend: map1/2/3/N round f(…) once; dot and sumOf sum from +0; maxOf is IEEE maximum',
    (fa, fb, fc_, dtype) => {
      const n = 33
      const [a, b, c] = [filled(n, fa, dtype), filled(n, fb, dtype), filled(n, fc_, dtype)]
      const O = Ctor(dtype)
      const f3 = (x: number, y: number, z: number) => x * y + z
      const want1 = Array.from(a, (x) => roundTo(dtype, Math.sqrt(x)))
      expectIeee('map1', cpuBackend.map1(Math.sqrt, a, O), want1)
      expectIeee(
        'map2',
        cpuBackend.map2((x, y) => x / y, a, b, O),
        Array.from(a, (x, i) => roundTo(dtype, x / b[i]!)),
      )
      const want3 = Array.from(a, (x, i) => roundTo(dtype, x * b[i]! + c[i]!))
      expectIeee('map3', cpuBackend.map3(f3, a, b, c, O), want3)
      expectIeee('mapN', cpuBackend.mapN(f3 as (...xs: number[]) => number, [a, b, c], O), want3)
      let dot = 0
      let sq = 0
      let mx = -Infinity
      let absDot = 0
      for (let i = 0; i < n; i++) {
        dot += a[i]! * b[i]!
        absDot += Math.abs(a[i]! * b[i]!)
        sq += a[i]! * a[i]!
        mx = ieeeMax(mx, Math.abs(a[i]!))
      }
      expectIeee('dot', [cpuBackend.dot(a, b)], [dot], { tol: 1e-15 * absDot })
      expectIeee('sumOf', [cpuBackend.sumOf((x) => x * x, a)], [sq], { tol: 1e-15 * sq })
      expectIeee('maxOf', [cpuBackend.maxOf(Math.abs, a)], [mx])
      expectIeee('maxOf ±0', [cpuBackend.maxOf((x) => x, Float64Array.of(-0, 0))], [0])
    },
  )

  test.prop([fillArb(pool), dtypeArb])(
    'copies (broadcastTo, transpose, slice, concat, pad, gather) keep every value bit for bit; scatterAdd sums from +0',
    (fa, dtype) => {
      const a = filled(24, fa, dtype)
      const O = Ctor(dtype)
      const same = (label: string, got: ArrayLike<number>, idx: (i: number) => number) =>
        expectIeee(
          label,
          got,
          Array.from({ length: got.length }, (_, i) => (idx(i) < 0 ? 0 : a[idx(i)]!)),
        )
      same('broadcastTo', K.broadcastTo(a, [1, 24], [2, 24], O), (i) => i % 24)
      same('transpose', K.transpose(a, [4, 6], [1, 0], O), (i) => (i % 4) * 6 + Math.floor(i / 4))
      same('transpose 3-d', K.transpose(a, [2, 3, 4], [2, 0, 1], O), (i) => {
        const [k, r] = [Math.floor(i / 6), i % 6]
        return Math.floor(r / 3) * 12 + (r % 3) * 4 + k
      })
      same('slice', K.slice(a, [4, 6], [1, 2], [2, 3], O), (i) => (1 + Math.floor(i / 3)) * 6 + 2 + (i % 3))
      same('concat', K.concat([a, a], [[24], [24]], 0, O), (i) => i % 24)
      same('pad', K.pad(a, [24], [1], [2], O), (i) => (i === 0 || i > 24 ? -1 : i - 1))
      same('gather', K.gather(a, [4, 6], [3, 0, 3], 0, O), (i) => [3, 0, 3][Math.floor(i / 6)]! * 6 + (i % 6))
      const sa = K.scatterAdd(a, [1, 1, 0, 1], 0, [2, 6], O)
      const want = Array.from({ length: 12 }, (_, i) => {
        const [r, c] = [Math.floor(i / 6), i % 6]
        let s = 0
        ;[1, 1, 0, 1].forEach((t, j) => {
          if (t === r) s += a[j * 6 + c]!
        })
        return roundTo(dtype, s)
      })
      expectIeee('scatterAdd', sa, want)
    },
  )
})

describe('gpu.js element-wise kernels follow IEEE 754 (Node: gpu.js wasm mode)', () => {
  // descent-ts/gpu installs the gpu.js kernels (gpu.js's WebAssembly mode in Node: always available here).
  useGpu()
  afterAll(() => releaseGpu())
  test.prop([fillArb(pool), fillArb(pool), fc.constantFrom(1, 7, 300)], { numRuns: 10 })(
    'binary add/sub/mul/div/max/min and axpy',
    (fa, fb, n) => {
      const g = gpuKernels()
      if (g === null) throw new Error('useGpu() installed no gpu.js kernels')
      const a = filled(n, fa) as Float32Array
      const b = filled(n, fb) as Float32Array
      const ops = { add: BINARY.add, sub: BINARY.sub, mul: BINARY.mul, div: BINARY.div, max: ieeeMax, min: ieeeMin }
      for (const [op, f] of Object.entries(ops)) {
        const want = Array.from(a, (x, i) => Math.fround(f(x, b[i]!)))
        expectIeee(`gpu ${op}`, g.binary(op as keyof typeof ops, a, b), want)
      }
      // s·a + b: one float32 rounding of the product may differ from float64's, so finite values get a tolerance.
      const want = Array.from(a, (x, i) => Math.fround(0.5 * x + b[i]!))
      const tol = (i: number) => 2 ** -22 * (Math.abs(0.5 * a[i]!) + Math.abs(b[i]!)) + 2 ** -148
      expectIeee('gpu axpy', g.axpy(0.5, a, b), want, { tol })
    },
  )
})

describe('fused Adam/AdamW kernels (read-only here: findings go to the kernel’s owner)', () => {
  /**
   * The documented formula (fused/adamwFusedTs.ts TSDoc): the Adam direction with a float32 rounding after every
   * float64 operation (scalars rounded to float32 once), the decay and the scale in float64 rounded once.
   */
  function reference(p: number, g: number, m: number, v: number, c: AdamwScalars) {
    const f = Math.fround
    const [b1, b2, c1, c2] = [f(c.b1), f(c.b2), f(1 - c.b1), f(1 - c.b2)]
    const m1 = f(f(c1 * g) + f(b1 * m))
    const v1 = f(f(c2 * f(g * g)) + f(b2 * v))
    const d = f(f(Math.sqrt(f(f(v1 / f(c.bc2)) + f(c.epsRoot)))) + f(c.eps))
    const mhat = c.nesterov ? f(f(f(b1 * m1) / f(c.bc1Next)) + f(f(c1 * g) / f(c.bc1))) : f(m1 / f(c.bc1))
    let u = f(mhat / d)
    if (c.applyWd) u = f(u + c.wd * p)
    u = f(c.s * u)
    return [m1, v1, u, f(p + u)] as const
  }
  const scalarsArb = fc.record({
    b1: fc.constantFrom(0, 0.9),
    b2: fc.constantFrom(0.5, 0.999),
    t: fc.constantFrom(1, 3),
    eps: fc.constantFrom(0, 1e-8),
    epsRoot: fc.constantFrom(0, 1e-8),
    wd: fc.constantFrom(0, 1e-2),
    applyWd: fc.boolean(),
    nesterov: fc.boolean(),
  })

  for (const n of [7, ADAMW_WASM_MIN - 1, ADAMW_WASM_MIN, ADAMW_WASM_MIN + 3]) {
    test.prop([fillArb(), fillArb(), fillArb(), fillArb(), scalarsArb], { numRuns: n > 100 ? 4 : 15 })(
      `n = ${n} (${n >= ADAMW_WASM_MIN ? 'SIMD + TS tail' : 'TS'}): m′, v′, u, p′ equal the float64 formula`,
      (fp, fg, fm, fv, o) => {
        const [p, g, m] = [filled(n, fp), filled(n, fg), filled(n, fm)] as [Float32Array, Float32Array, Float32Array]
        // v is a second moment: non-negative (a NaN or +∞ stays possible).
        const v = Float32Array.from(filled(n, fv), Math.abs)
        const c: AdamwScalars = {
          b1: o.b1,
          b2: o.b2,
          bc1: 1 - o.b1 ** o.t,
          bc2: 1 - o.b2 ** o.t,
          bc1Next: 1 - o.b1 ** (o.t + 1),
          eps: o.eps,
          epsRoot: o.epsRoot,
          wd: o.wd,
          applyWd: o.applyWd,
          s: -1e-3,
          nesterov: o.nesterov,
        }
        const want = Array.from({ length: n }, (_, i) => reference(p[i]!, g[i]!, m[i]!, v[i]!, c))
        for (const kernel of ['auto', 'ts', ...(wasmAvailable() ? ['wasm' as const] : [])] as const) {
          const out = adamwFused(p, g, m, v, c, { kernel, applyParams: true })
          ;(['m', 'v', 'u', 'p'] as const).forEach((k, j) =>
            expectIeee(
              `${kernel} ${k}′`,
              out[k]!,
              want.map((w) => w[j]!),
            ),
          )
        }
      },
    )
  }

  test('the sizes sit on both sides of ADAMW_WASM_MIN', () => {
    expect(ADAMW_WASM_MIN).toBeGreaterThan(7)
  })
})
