import { describe, expect, it } from 'vitest'
import { type Tensor, batches, prngKey, randomPermutation, tensor } from '../../src/index'

// batches: batch k holds the rows π(k·b) … of every leaf, π = randomPermutation(key, n) (or the identity), copied
// bit for bit, for rows of any width (the wide ones are copied a row at a time, the narrow ones element by element).

const n = 23
/** Row r of a leaf of row width w holds r·1000 + j at position j: every value names its row. */
const rowsOf = (w: number, dtype: 'float32' | 'float64', rest: number[] = [w]) =>
  tensor(
    Array.from({ length: n * w }, (_, i) => Math.floor(i / w) * 1000 + (i % w)),
    [n, ...rest],
    dtype,
  )

describe('batches', () => {
  const data = {
    wide: rowsOf(40, 'float32'),
    narrow: rowsOf(6, 'float64', [2, 3]),
    label: rowsOf(1, 'float32', []),
  }

  it('every leaf gets the rows of the permutation, in order, the last batch smaller', () => {
    const key = prngKey(5)
    const order = randomPermutation(key, n)
    const got = [...batches(data, { batchSize: 5, key })]
    expect(got.map((b) => b.wide.shape[0])).toEqual([5, 5, 5, 5, 3])
    got.forEach((b, k) => {
      const rows = Array.from(order.slice(k * 5, k * 5 + 5))
      const check = (t: Tensor, w: number) =>
        expect(Array.from(t.data)).toEqual(rows.flatMap((r) => Array.from({ length: w }, (_, j) => r * 1000 + j)))
      check(b.wide, 40)
      check(b.narrow, 6)
      check(b.label, 1)
      expect(b.narrow.shape).toEqual([rows.length, 2, 3])
      expect(b.narrow.dtype).toBe('float64')
      expect(b.label.shape).toEqual([rows.length])
    })
  })

  it('without a key the rows in order; dropLast drops the partial batch', () => {
    const got = [...batches(data, { batchSize: 10, dropLast: true })]
    expect(got.length).toBe(2)
    expect(Array.from(got[1]!.label.data)).toEqual(Array.from({ length: 10 }, (_, i) => (10 + i) * 1000))
  })

  it('copies bit for bit (−0, NaN payloads) and never aliases the data', () => {
    const bits = new Uint32Array([0x7fc00001, 0x80000000, 0x7f800001, 0x3f800000])
    const x = tensor(new Float32Array(bits.buffer), [4])
    const wide = tensor(new Float32Array(Array.from({ length: 4 * 16 }, (_, i) => (i === 17 ? -0 : i))), [4, 16])
    const [b] = [...batches({ x, wide }, { batchSize: 4 })]
    expect(Array.from(new Uint32Array(b!.x.data.buffer, b!.x.data.byteOffset, 4))).toEqual(Array.from(bits))
    expect(Object.is(b!.wide.data[17], -0)).toBe(true)
    expect(b!.x.data.buffer).not.toBe(x.data.buffer)
    expect(b!.wide.data.buffer).not.toBe(wide.data.buffer)
  })
})
