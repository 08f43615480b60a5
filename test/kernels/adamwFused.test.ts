import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { adamw, applyUpdates, tensor } from '../../src/index'
import type { Tensor } from '../../src/core/tensor'
import type { PyTree } from '../../src/core/types'
import { ADAMW_WASM_MIN, adamwFused } from '../../src/kernels/fused/adamwFused'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { type AdamwScalars, wasmAvailable } from '../../src/kernels/wasm/index'
import { type ScaleByAdamOptions, scaleByAdam } from '../../src/transforms/scaleByAdam'
import { expectEvery, expectTreesEqual, expectTypedArraysEqual, sameEntries } from '../_helpers/assertions'
import { f32, scalars } from '../_helpers/adamwInputs'
import { sumSquares32 } from '../../src/kernels/sumSquares'

/**
 * The formula written independently: the Adam direction with float32 operations throughout (scalars rounded to
 * float32 once), the decay and the scale in float64 rounded once, as addDecayedWeights and scaleByLearningRate
 * store a float32 leaf.
 */
function reference(p: number, g: number, m: number, v: number, c: AdamwScalars): [number, number, number, number] {
  const fr = Math.fround
  const [add, mul, div] = [
    (a: number, b: number) => fr(a + b),
    (a: number, b: number) => fr(a * b),
    (a: number, b: number) => fr(a / b),
  ]
  const [b1, b2, bc1, bc2, bc1n] = [fr(c.b1), fr(c.b2), fr(c.bc1), fr(c.bc2), fr(c.bc1Next)]
  const [c1, c2] = [fr(1 - c.b1), fr(1 - c.b2)]
  const m1 = add(mul(c1, g), mul(b1, m))
  const v1 = add(mul(c2, mul(g, g)), mul(b2, v))
  const den = add(fr(Math.sqrt(add(div(v1, bc2), fr(c.epsRoot)))), fr(c.eps))
  const mhat = c.nesterov ? add(div(mul(b1, m1), bc1n), div(mul(c1, g), bc1)) : div(m1, bc1)
  let u = div(mhat, den)
  if (c.applyWd) u = fr(u + c.wd * p)
  u = fr(c.s * u)
  return [m1, v1, u, add(p, u)]
}

describe('adamwFused kernels', () => {
  it.each([
    ['ts', 1000],
    ['wasm', 1003],
    ['wasm', 8],
    ['auto', 5],
    ['auto', 50_001],
  ] as const)('%s kernel over %i elements equals the per-op float32 formula bit for bit', (kernel, n) => {
    if (kernel === 'wasm' && !wasmAvailable()) return
    for (const o of [{}, { nesterov: true }, { applyWd: false }, { epsRoot: 1e-6, eps: 0 }] as const) {
      const c = scalars(3, o)
      const [p, g, m, v] = [f32(n, 1, 10), f32(n, 2, 1e3), f32(n, 3), f32(n, 4, 1).map(Math.abs)]
      const r = adamwFused(p, g, m, v, c, { applyParams: true, kernel })
      const actual = (i: number) => [r.m[i], r.v[i], r.u[i], r.p![i]]
      const expected = (i: number) => reference(p[i]!, g[i]!, m[i]!, v[i]!, c)
      expectEvery(
        n,
        (i) => sameEntries(actual(i), expected(i)),
        (i) => expect(actual(i)).toEqual(expected(i)),
      )
    }
  })

  it.each(['ts', 'wasm'] as const)(
    '%s: zero gradients at the first step give zero moments and an update of −lr·λ·p only',
    (kernel) => {
      if (kernel === 'wasm' && !wasmAvailable()) return
      const n = 12
      const p = f32(n, 9)
      const z = new Float32Array(n)
      const r = adamwFused(p, z, z, z, scalars(1), { kernel })
      expect([...r.m]).toEqual([...z])
      for (let i = 0; i < n; i++) expect(r.u[i]).toBe(Math.fround(-1e-3 * Math.fround(1e-2 * p[i]!)))
    },
  )

  test.prop([fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 50 }), fc.boolean()])(
    'wasm and ts kernels agree bit for bit and never write their inputs',
    (n, t, nesterov) => {
      const ins = [f32(n, n, 5), f32(n, n + 1, 100), f32(n, n + 2), f32(n, n + 3).map(Math.abs)] as const
      const copies = ins.map((a) => a.slice())
      const c = scalars(t, { nesterov })
      const a = adamwFused(...ins, c, { kernel: wasmAvailable() ? 'wasm' : 'ts', applyParams: true })
      const b = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
      adamwFusedTs(...ins, c, b)
      ;(['m', 'v', 'u', 'p'] as const).forEach((k) => expectTypedArraysEqual(a[k]!, b[k]))
      ins.forEach((x, i) => expectTypedArraysEqual(x, copies[i]!))
    },
  )
})

describe('scaleByAdam runs the fused kernel on float32 leaves', () => {
  const hyper: readonly (readonly [string, ScaleByAdamOptions])[] = [
    ['defaults', {}],
    ['nesterov', { nesterov: true }],
    ['eps 0, epsRoot 1e-8', { eps: 0, epsRoot: 1e-8 }],
    ['b1 0 (no momentum), b2 0.5', { b1: 0, b2: 0.5 }],
  ]

  it.each(hyper)('%s: 3 steps equal the per-op float32 formula, on both sides of the SIMD threshold', (_, o) => {
    const sizes = [7, ADAMW_WASM_MIN - 1, ADAMW_WASM_MIN + 5]
    const tx = scaleByAdam(o)
    const p0: PyTree = sizes.map((n, i) => tensor(f32(n, i + 1)))
    let state = tx.init(p0)
    for (let t = 1; t <= 3; t++) {
      const g = sizes.map((n, i) => tensor(f32(n, 10 * t + i, 3)))
      const [u, next] = tx.update(g as PyTree, state)
      const [b1, b2] = [o.b1 ?? 0.9, o.b2 ?? 0.999]
      const bias = { bc1: 1 - b1 ** t, bc2: 1 - b2 ** t, bc1Next: 1 - b1 ** (t + 1) }
      const c = scalars(t, { ...o, ...bias, applyWd: false, s: 1, wd: 0 })
      sizes.forEach((n, i) => {
        const [m0, v0] = [(state.mu as Tensor[])[i]!.data, (state.nu as Tensor[])[i]!.data]
        const [m1, v1, u1] = [(next.mu as Tensor[])[i]!.data, (next.nu as Tensor[])[i]!.data, (u as Tensor[])[i]!.data]
        for (let j = 0; j < n; j++) {
          const [em, ev, eu] = reference(0, g[i]!.data[j]!, m0[j]!, v0[j]!, c)
          expect([m1[j], v1[j], u1[j]]).toEqual([em, ev, eu])
        }
      })
      expect(next.count).toBe(t)
      state = next
    }
  })

  it('a tree with a float64 or number leaf takes the general path, with the same float32 results', () => {
    const a = tensor(f32(3000, 1))
    const tx = scaleByAdam()
    const alone = tx.update({ a }, tx.init({ a }))
    for (const other of [tensor([0.5, -2], 'float64'), 0.25]) {
      const mixed = tx.update({ a, b: other }, tx.init({ a, b: other }))
      expectTreesEqual(mixed[0].a, alone[0].a)
      expectTreesEqual((mixed[1].mu as { a: Tensor }).a, (alone[1].mu as { a: Tensor }).a)
    }
  })

  it('never changes an array the caller holds (updates, old state)', () => {
    const p = { w: tensor(f32(20_000, 1)) }
    const g = { w: tensor(f32(20_000, 2)) }
    const tx = adamw(1e-3)
    const [, s1] = tx.update(g, tx.init(p), p)
    const held = [p.w.data, g.w.data, (s1[0].mu as { w: Tensor }).w.data, (s1[0].nu as { w: Tensor }).w.data]
    const snapshot = held.map((x) => x.slice())
    const [u2, s2] = tx.update(g, s1, p)
    applyUpdates(p, u2)
    held.forEach((x, i) => expectTypedArraysEqual(x, snapshot[i]!))
    expect(s2[0].mu).not.toBe(s1[0].mu)
  })
})

describe('adamwFused with donated buffers', () => {
  it.each(['ts', 'wasm'] as const)(
    '%s: writing m′, v′, p′ over m, v, p in place gives the fresh-output result',
    (kernel) => {
      if (kernel === 'wasm' && !wasmAvailable()) return
      const n = 20_003
      const [p, g, m, v] = [f32(n, 1), f32(n, 2), f32(n, 3), f32(n, 4).map(Math.abs)]
      const c = scalars(2)
      const fresh = adamwFused(p, g, m, v, c, { applyParams: true, kernel })
      const u = new Float32Array(n)
      adamwFused(p, g, m, v, c, { applyParams: true, kernel, out: { m, v, u, p } })
      expectTypedArraysEqual(m, fresh.m)
      expectTypedArraysEqual(v, fresh.v)
      expectTypedArraysEqual(u, fresh.u)
      expectTypedArraysEqual(p, fresh.p!)
    },
  )
})

describe('adamwFused without storing u (the caller never reads it)', () => {
  it.each([ADAMW_WASM_MIN + 3, 3 * 8192 + 1, 100])(
    '%i elements: the same m′, v′, p′; u untouched by the SIMD kernel',
    (n) => {
      const [p, g, m, v] = [f32(n, 1, 10), f32(n, 2, 1e3), f32(n, 3), f32(n, 4, 1).map(Math.abs)]
      const c = scalars(4)
      const want = adamwFused(p, g, m, v, c, { applyParams: true })
      const out = {
        m: new Float32Array(n),
        v: new Float32Array(n),
        u: new Float32Array(n).fill(-7),
        p: new Float32Array(n),
      }
      adamwFused(p, g, m, v, c, { out, storeU: false })
      ;(['m', 'v', 'p'] as const).forEach((k) => expectTypedArraysEqual(out[k], want[k]!))
      // The SIMD kernel skips u; the TS kernel (below ADAMW_WASM_MIN) and the scalar tail still write it.
      const simd = n >= ADAMW_WASM_MIN && wasmAvailable() ? n & ~3 : 0
      expect([...out.u.subarray(0, simd)].every((x) => x === -7)).toBe(true)
      expect([...out.u.subarray(simd)]).toEqual([...want.u.subarray(simd)])
    },
  )
})

describe('adamwFused squares: [Σu², Σp′²] summed in the pass', () => {
  // Lengths around every boundary: the TS kernel below ADAMW_WASM_MIN (128) and the SIMD one from there, one chunk,
  // several chunks of 8192, a last chunk ending between the lanes' 8-element blocks and the SIMD width (n mod 8 ≥ 4),
  // and a scalar tail (n mod 4 ≠ 0).
  it.each([1, 7, 8, 13, 127, 128, 133, 2047, 2048, 2053, 2060, 8192, 8197, 8201, 16384 + 8 * 3 + 6, 3 * 8192 + 3])(
    'n = %i: the same bits as sumSquares32 of the stored u and p′, and the same m′, v′, p′',
    (n) => {
      const [p, g, m, v] = [f32(n, 1), f32(n, 2), f32(n, 3, 0.1), f32(n, 4, 0.01).map(Math.abs)]
      const c = scalars(3)
      const plain = adamwFused(p, g, m, v, c, { applyParams: true })
      const squares = new Float64Array(2)
      const out = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
      adamwFused(p, g, m, v, c, { out, storeU: false, squares })
      expect(Object.is(squares[0], sumSquares32(plain.u))).toBe(true)
      expect(Object.is(squares[1], sumSquares32(plain.p!))).toBe(true)
      expectTypedArraysEqual(out.m, plain.m)
      expectTypedArraysEqual(out.v, plain.v)
      expectTypedArraysEqual(out.p, plain.p!)
      // And the math: Σ of the squares of the reference's u, within float64 rounding.
      let su = 0
      for (let i = 0; i < n; i++) su += reference(p[i]!, g[i]!, m[i]!, v[i]!, c)[2] ** 2
      expect(Math.abs(squares[0]! - su)).toBeLessThanOrEqual(su * n * 2 ** -52)
    },
  )
})
