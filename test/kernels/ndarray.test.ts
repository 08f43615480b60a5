import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { binary, broadcastShapes, broadcastTo, matmul, select, transpose } from '../../src/kernels/ndarray'
import { expectEvery } from '../_helpers/assertions'

// Reference: the index arithmetic written out (row-major, NumPy broadcasting from the right).
const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1)
function at(data: Float64Array, shape: readonly number[], outShape: readonly number[], flat: number): number {
  let off = 0
  let stride = 1
  let rest = flat
  const idx: number[] = []
  for (let d = outShape.length - 1; d >= 0; d--) {
    idx[d] = rest % outShape[d]!
    rest = Math.floor(rest / outShape[d]!)
  }
  for (let d = shape.length - 1; d >= 0; d--) {
    const i = shape[d] === 1 ? 0 : idx[d + outShape.length - shape.length]!
    off += i * stride
    stride *= shape[d]!
  }
  return data[off]!
}
const seq = (n: number, k: number) => Float64Array.from({ length: n }, (_, i) => ((i * 7 + k) % 11) - 5)

describe('ndarray fast paths agree with the broadcasting definition', () => {
  const cases: [number[], number[], number[]][] = [
    [[4, 6], [6], [4, 6]],
    [
      [4, 6],
      [1, 6],
      [4, 6],
    ],
    [[6], [3, 4, 6], [3, 4, 6]],
    [
      [3, 1],
      [3, 5],
      [3, 5],
    ],
    [
      [2, 3, 4],
      [3, 4],
      [2, 3, 4],
    ],
    [[5], [1], [5]],
  ]
  test.each(cases)('binary %j ∘ %j', (as, bs, os) => {
    const [a, b] = [seq(sizeOf(as), 1), seq(sizeOf(bs), 2)]
    const out = binary((x, y) => x * 3 - y, a, as, b, bs, os, Float64Array)
    const ref = Array.from({ length: sizeOf(os) }, (_, i) => at(a, as, os, i) * 3 - at(b, bs, os, i))
    expect(Array.from(out)).toEqual(ref)
  })

  const ops = [
    ['add', (x: number, y: number) => x + y],
    ['mul', (x: number, y: number) => x * y],
    ['sub', (x: number, y: number) => x - y],
    ['div', (x: number, y: number) => x / y],
    ['gt', (x: number, y: number) => (x > y ? 1 : 0)],
  ] as const
  test.each(cases)('binary with a fast op %j ∘ %j equals the closure, both operand orders', (as, bs, os) => {
    const [a, b] = [seq(sizeOf(as), 1), seq(sizeOf(bs), 2)]
    for (const [op, f] of ops) {
      for (const [x, xs, y, ys] of [
        [a, as, b, bs],
        [b, bs, a, as],
      ] as const) {
        const ref = Array.from({ length: sizeOf(os) }, (_, i) => f(at(x, xs, os, i), at(y, ys, os, i)))
        expect(Array.from(binary(f, x, xs, y, ys, os, Float64Array, op))).toEqual(ref)
      }
    }
  })

  test.each(cases)('select with c %j, a %j', (cs, as, os) => {
    const [c, a, b] = [seq(sizeOf(cs), 3).map((x) => (x > 0 ? 1 : 0)), seq(sizeOf(as), 4), seq(1, 5)]
    const out = select(c, cs, a, as, b, [], os, Float64Array)
    const ref = Array.from({ length: sizeOf(os) }, (_, i) => (at(c, cs, os, i) !== 0 ? at(a, as, os, i) : b[0]!))
    expect(Array.from(out)).toEqual(ref)
    const same = select(seq(12, 1), [3, 4], seq(12, 2), [3, 4], seq(12, 3), [3, 4], [3, 4], Float64Array)
    expect(Array.from(same)).toEqual(Array.from(seq(12, 1), (x, i) => (x !== 0 ? seq(12, 2)[i]! : seq(12, 3)[i]!)))
  })

  test.prop([fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 })])(
    'transpose of the last two axes (tiled) equals the definition',
    (nb, r, c) => {
      const a = seq(nb * r * c, 0)
      const out = transpose(a, [nb, r, c], [0, 2, 1], Float64Array)
      // Input entry e = t·r·c + i·c + j (row-major, the order of the t, i, j loops) lands at t·r·c + j·r + i.
      const moved = (e: number) => out[e - (e % (r * c)) + (e % c) * r + (Math.floor(e / c) % r)]
      expectEvery(
        nb * r * c,
        (e) => Object.is(moved(e), a[e]),
        (e) => expect(moved(e)).toBe(a[e]),
      )
    },
  )

  test('matmul with transA / transB equals the product of materialised transposes (float64 and float32)', () => {
    const [m, k, n] = [5, 7, 3]
    const A = seq(m * k, 1)
    const B = seq(k * n, 2)
    const ref = matmul(A, [m, k], B, [k, n], Float64Array).data
    const At = transpose(A, [m, k], [1, 0], Float64Array)
    const Bt = transpose(B, [k, n], [1, 0], Float64Array)
    expect(matmul(At, [k, m], Bt, [n, k], Float64Array, { transA: true, transB: true }).data).toEqual(ref)
    const f32 = (x: Float64Array) => Float32Array.from(x)
    const big = [24, 20, 18] as const
    const A2 = seq(big[0] * big[1], 3)
    const B2 = seq(big[1] * big[2], 4)
    const ref2 = matmul(f32(A2), [24, 20], f32(B2), [20, 18], Float32Array).data
    const A2t = f32(transpose(A2, [24, 20], [1, 0], Float64Array) as Float64Array)
    expect(matmul(A2t, [20, 24], f32(B2), [20, 18], Float32Array, { transA: true }).data).toEqual(ref2)
  })
})

describe('broadcastShapes', () => {
  // The NumPy rule written out: align from the right, each dimension 1 or the common size.
  const numpy = (shapes: readonly (readonly number[])[]): number[] | null => {
    const rank = Math.max(0, ...shapes.map((s) => s.length))
    const out: number[] = []
    for (let i = 0; i < rank; i++) {
      const ds = shapes.map((s) => s[s.length - rank + i] ?? 1)
      const big = ds.filter((d) => d !== 1)
      if (big.some((d) => d !== big[0])) return null
      out.push(big[0] ?? 1)
    }
    return out
  }
  const arbShape = fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 4 })

  test.prop([fc.array(arbShape, { minLength: 1, maxLength: 3 })])('the NumPy rule for any shapes', (shapes) => {
    const got = broadcastShapes(...shapes)
    expect(got === null ? null : [...got]).toEqual(numpy(shapes))
  })

  test('an input that is the broadcast comes back itself (a tensor shares its frozen shape); otherwise a new array', () => {
    const m = Object.freeze([32, 10])
    expect(broadcastShapes(m, [10])).toBe(m)
    expect(broadcastShapes([1, 10], m)).toBe(m)
    expect(broadcastShapes(m, m)).toBe(m)
    const col = [32, 1]
    const row = [1, 10]
    const both = broadcastShapes(col, row)!
    expect(both).toEqual([32, 10])
    expect(both).not.toBe(col)
    expect(both).not.toBe(row)
    expect(broadcastShapes([])).toEqual([])
    expect(broadcastShapes()).toEqual([])
    expect(broadcastShapes([3, 2], [2, 3])).toBeNull()
  })
})

describe('broadcastTo', () => {
  it.each([
    [
      [3, 1],
      [3, 4],
    ],
    [
      [2, 3, 1],
      [2, 3, 5],
    ],
    [
      [5, 1],
      [5, 1],
    ],
    [
      [1, 1],
      [3, 2],
    ],
    [
      [0, 1],
      [0, 5],
    ],
    [
      [1, 4, 1],
      [3, 4, 2],
    ],
    [
      [2, 1],
      [3, 2, 4],
    ],
    [[4], [3, 4]],
    [
      [3, 1, 2],
      [3, 4, 2],
    ],
  ])('%j → %j: the broadcasting definition, element by element', (shape, outShape) => {
    const a = seq(sizeOf(shape), 3)
    const got = broadcastTo(a, shape, outShape, Float64Array)
    expect(got.length).toBe(sizeOf(outShape))
    for (let i = 0; i < got.length; i++) expect(got[i]).toBe(at(a, shape, outShape, i))
  })
})
