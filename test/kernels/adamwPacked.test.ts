import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { adamwFused } from '../../src/kernels/fused/adamwFused'
import { type AdamwPackedOut, adamwPacked } from '../../src/kernels/fused/adamwPacked'
import { sumSquares32 } from '../../src/kernels/sumSquares'
import { type AdamwScalars, wasmAvailable } from '../../src/kernels/wasm/index'
import { f32, scalars } from '../_helpers/adamwInputs'
import { expectSameBits } from '../_helpers/assertions'

type Leaves = [p: Float32Array[], g: Float32Array[], m: Float32Array[], v: Float32Array[]]

/** Leaves of these sizes; `poison` puts NaN, ±Infinity, −0 and a subnormal into p and g. */
function leaves(sizes: readonly number[], seed: number, poison = false): Leaves {
  const make = (k: number, scale: number, abs = false) =>
    sizes.map((n, i) => {
      const a = f32(n, seed + 31 * i + k, scale)
      return abs ? a.map(Math.abs) : a
    })
  const [p, g, m, v] = [make(1, 10), make(2, 1e3), make(3, 1), make(4, 1, true)]
  if (poison) {
    const specials = [NaN, Infinity, -Infinity, -0, 1e-40, 3e38]
    sizes.forEach((n, i) => {
      for (let j = 0; j < Math.min(n, specials.length); j++) {
        g[i]![(j * 7 + i) % n] = specials[j]!
        p[i]![(j * 5 + i + 1) % n] = specials[(j + 2) % specials.length]!
      }
    })
  }
  return [p, g, m, v]
}

/** The reference: the TS kernel leaf by leaf, with tree.norm's sums of squares (sumSquares32) of u, p′ and g. */
function perLeaf([p, g, m, v]: Leaves, c: AdamwScalars) {
  return g.map((_, i) => {
    const r = adamwFused(p[i]!, g[i]!, m[i]!, v[i]!, c, { applyParams: true, kernel: 'ts' })
    return { ...r, squares: [sumSquares32(r.u), sumSquares32(r.p!), sumSquares32(g[i]!)] }
  })
}

function expectMatches(out: AdamwPackedOut, ins: Leaves, c: AdamwScalars, storeU: boolean): void {
  const want = perLeaf(ins, c)
  want.forEach((w, i) => {
    expectSameBits(out.p[i]!, w.p!)
    expectSameBits(out.m[i]!, w.m)
    expectSameBits(out.v[i]!, w.v)
    if (storeU) expectSameBits(out.u![i]!, w.u)
    const got = [...out.squares!.subarray(3 * i, 3 * i + 3)]
    expect(got.map((x, j) => Object.is(x, w.squares[j]))).toEqual([true, true, true])
  })
}

describe.runIf(wasmAvailable())('adamwPacked: every leaf of a tree in one kernel call', () => {
  // Odd sizes (scalar tails of 1–3, leaves ending between 8-blocks), a single element, an empty leaf and the MLP's 64-64-10 leaves.
  const shapes: number[][] = [[4096, 64, 640, 10], [1, 3, 5, 7, 8, 9, 13, 130], [2053], [17, 0, 1, 255]]

  it.each(shapes.map((s) => [s]))(
    'leaves %j: bit-identical to the TS kernel leaf by leaf, with each leaf’s Σu², Σp′², Σg²',
    (s) => {
      for (const o of [{}, { nesterov: true }, { applyWd: false, s: -0.5 }, { epsRoot: 1e-6, eps: 0 }] as const) {
        for (const poison of [false, true]) {
          const ins = leaves(s, s.length, poison)
          const c = scalars(7, o)
          expectMatches(adamwPacked(...ins, c, { storeU: true, squares: true, gradSquares: true })!, ins, c, true)
        }
      }
    },
  )

  it('an empty tree: no leaves out, no sums', () => {
    const out = adamwPacked([], [], [], [], scalars(1), { storeU: true, squares: true, gradSquares: true })!
    expect([out.p, out.m, out.v, out.u]).toEqual([[], [], [], []])
    expect(out.squares).toEqual(new Float64Array(0))
  })

  test.prop([
    fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 1, max: 40 }),
  ])('any leaf sizes: bit-identical to the TS kernel, inputs never written', (sizes, t) => {
    const ins = leaves(sizes, t, t % 2 === 0)
    const copies = ins.map((xs) => xs.map((a) => a.slice()))
    const c = scalars(t)
    expectMatches(adamwPacked(...ins, c, { storeU: true, squares: true, gradSquares: true })!, ins, c, true)
    ins.forEach((xs, k) => xs.forEach((a, i) => expectSameBits(a, copies[k]![i]!)))
  })

  it('fresh views of one new buffer, none an input’s, the padding between leaves 0; u and the sums only when asked', () => {
    const sizes = [5, 64, 3]
    const ins = leaves(sizes, 3)
    const out = adamwPacked(...ins, scalars(2))!
    expect(out.u).toBeNull()
    expect(out.squares).toBeNull()
    const all = [...out.p, ...out.m, ...out.v]
    const buffer = all[0]!.buffer
    for (const a of all) expect(a.buffer).toBe(buffer)
    const inputs = new Set(ins.flat().map((a) => a.buffer))
    expect(inputs.has(buffer)).toBe(false)
    // Leaves from multiples of 4 elements: 8 + 64 + 4 per region, three regions; the 3 + 1 padding elements are 0.
    expect(buffer.byteLength).toBe(3 * 76 * 4)
    const whole = new Float32Array(buffer)
    for (let r = 0; r < 3; r++) {
      expect([...whole.subarray(r * 76 + 5, r * 76 + 8)]).toEqual([0, 0, 0])
      expect(whole[r * 76 + 75]).toBe(0)
    }
    const noG = adamwPacked(...ins, scalars(2), { squares: true })!
    expect([...noG.squares!].filter((_, i) => i % 3 === 2)).toEqual([0, 0, 0])
  })

  it('the views it returned, passed back (copied in as one range), give the bits of separate copies of them', () => {
    const sizes = [4096, 64, 640, 10]
    const ins = leaves(sizes, 5)
    let a = adamwPacked(...ins, scalars(1), { squares: true, gradSquares: true })!
    let b = a
    for (let t = 2; t <= 4; t++) {
      const g = leaves(sizes, 10 + t, t === 3)[1]
      const copy = (xs: Float32Array[]) => xs.map((x) => x.slice())
      const before = [a.p, a.m, a.v]
      const keep = before.map(copy)
      a = adamwPacked(a.p, g, a.m, a.v, scalars(t), { squares: true, gradSquares: true })!
      b = adamwPacked(copy(b.p), g, copy(b.m), copy(b.v), scalars(t), { squares: true, gradSquares: true })!
      for (const [x, y] of [
        [a.p, b.p],
        [a.m, b.m],
        [a.v, b.v],
      ] as const) {
        x.forEach((xi, i) => expectSameBits(xi, y[i]!))
      }
      expectSameBits(a.squares!, b.squares!)
      // The state passed in is never written.
      before.forEach((xs, k) => xs.forEach((x, i) => expectSameBits(x, keep[k]![i]!)))
    }
  })

  it('rejects leaves whose lengths differ', () => {
    const [p, g, m, v] = leaves([8], 1)
    expect(() => adamwPacked(p, g, m, [new Float32Array(7)], scalars(1))).toThrow(/lengths differ/)
    expect(v.length).toBe(1)
  })
})
