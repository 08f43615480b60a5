/** The eager kernels behind the ops: NumPy broadcasting, dtype promotion, reductions, matmul, gather/scatter. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  ShapeError,
  add,
  concat,
  matmul,
  mul,
  ops,
  pad,
  slice,
  take,
  tensor,
  transpose,
  reshape,
} from '../../src/index'
import { randTensor, rng, vals } from './_numeric'

describe('eager kernels', () => {
  test.prop([
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 5 }),
  ])('batched matmul equals the naive triple loop (float64)', (seed, m, k, n) => {
    const r = rng(seed)
    const a = randTensor(r, [2, m, k])
    const b = randTensor(r, [k, n])
    const c = matmul(a, b)
    expect(c.shape).toEqual([2, m, n])
    const A = vals(a)
    const B = vals(b)
    const expected: number[] = []
    for (let t = 0; t < 2; t++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0
          for (let p = 0; p < k; p++) s += A[t * m * k + i * k + p]! * B[p * n + j]!
          expected.push(s)
        }
    vals(c).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  it('broadcasts with NumPy rules and promotes dtypes; numbers are weakly typed', () => {
    expect(add(tensor([[1], [2], [3]]), tensor([10, 20])).toArray()).toEqual([
      [11, 21],
      [12, 22],
      [13, 23],
    ])
    expect(add(tensor([1], 'float64'), tensor([1])).dtype).toBe('float64')
    expect(add(tensor([1]), 0.1).dtype).toBe('float32')
    expect(add(tensor([1], 'float64'), 0.1).toArray()).toEqual([1.1])
    // A number on either side takes the tensor's dtype; two numbers make float32 0-d tensors.
    expect(add(0.1, tensor([1], 'float64')).toArray()).toEqual([1.1])
    expect(add(0.1, tensor([1])).toArray()).toEqual([Math.fround(1 + Math.fround(0.1))])
    expect(mul(2, tensor([[3]], 'float64')).dtype).toBe('float64')
    const both = mul(0.1, 3)
    expect([both.dtype, both.shape, both.item()]).toEqual(['float32', [], Math.fround(Math.fround(0.1) * 3)])
    expect(() => mul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/mul: shapes \[2\] and \[3\]/)
    expect(() => add(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError)
    expect(() => matmul(tensor([[1, 2]]), tensor([[1, 2]]))).toThrow(/inner dimensions/)
  })

  it('reductions over axes with keepDims; max propagates NaN; sums accumulate in float64', () => {
    const x = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ])
    expect(ops.sum(x, [0, 2]).toArray()).toEqual([14, 22])
    expect(ops.max(x, { axis: 1, keepDims: true }).toArray()).toEqual([[[3, 4]], [[7, 8]]])
    expect(ops.min(x, -1).toArray()).toEqual([
      [1, 3],
      [5, 7],
    ])
    expect(ops.max(tensor([1, NaN, 3])).item()).toBeNaN()
    const big = tensor(new Float32Array(1e5).fill(0.1))
    expect(ops.sum(big).item()).toBeCloseTo(Math.fround(10000), 0)
  })

  it('transpose, slice, pad, concat and reshape (which shares storage)', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(transpose(x).toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ])
    expect(slice(x, [1, 1], [1, 2]).toArray()).toEqual([[5, 6]])
    expect(
      pad(tensor([[1]]), [
        [0, 1],
        [1, 0],
      ]).toArray(),
    ).toEqual([
      [0, 1],
      [0, 0],
    ])
    expect(concat([x, x], 1).shape).toEqual([2, 6])
    expect(reshape(x, [3, 2]).data).toBe(x.data)
  })

  it('take gathers (with duplicates and negative indices); its gradient scatter-adds', () => {
    expect(take(tensor([10, 20, 30]), [2, -3, 2]).toArray()).toEqual([30, 10, 30])
    expect(() => take(tensor([1, 2]), [2])).toThrow(ShapeError)
    expect(
      mul(
        take(
          tensor([
            [1, 2],
            [3, 4],
          ]),
          [1],
          1,
        ),
        2,
      ).toArray(),
    ).toEqual([[4], [8]])
  })
})
