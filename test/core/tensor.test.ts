import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { DTypeError, ShapeError, arange, full, isTensor, ones, tensor, zeros, zerosLike } from '../../src/index'
import { shape as arbShape } from '../../src/testing/arbitraries'
import { values } from '../_helpers/assertions'

describe('tensor()', () => {
  test('a number gives a 0-d tensor', () => {
    const t = tensor(3)
    expect(t.shape).toEqual([])
    expect(t.size).toBe(1)
    expect(t.item()).toBe(3)
    expect(t.toArray()).toBe(3)
  })

  test('nested arrays give their shape; float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(t.shape).toEqual([2, 3])
    expect(t.size).toBe(6)
    expect(t.dtype).toBe('float32')
    expect(t.data).toBeInstanceOf(Float32Array)
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1])
  })

  test('float64 on request', () => {
    const t = tensor([0.1, 0.2], 'float64')
    expect(t.dtype).toBe('float64')
    expect(t.data).toBeInstanceOf(Float64Array)
    expect(values(t)).toEqual([0.1, 0.2])
  })

  test('float32 values are rounded to float32', () => {
    expect(values(tensor([0.1, 1 / 3]))).toEqual([Math.fround(0.1), Math.fround(1 / 3)])
    expect(tensor(0.1).item()).toBe(Math.fround(0.1))
  })

  test('flat data plus a shape, row-major', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [3, 2])
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ])
    expect(tensor([7], []).toArray()).toBe(7)
    expect(tensor([1, 2], [2], 'float64').dtype).toBe('float64')
  })

  test('a Float64Array gives float64 unless a dtype says otherwise; a Float32Array gives float32', () => {
    expect(tensor(new Float64Array([1, 2]), [2]).dtype).toBe('float64')
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float32')
    expect(tensor(new Float64Array([1, 2]), 'float64').dtype).toBe('float64')
    expect(tensor(new Float64Array([1, 2]), [2], 'float32').dtype).toBe('float32')
    expect(tensor(new Float32Array([1, 2]), [1, 2]).dtype).toBe('float32')
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2])
  })

  test('data is copied: later changes to the source never reach the tensor', () => {
    const src = [1, 2, 3]
    const typed = new Float32Array([1, 2, 3])
    const a = tensor(src)
    const b = tensor(typed, [3])
    const c = tensor(typed)
    src[0] = 100
    typed[0] = 100
    expect(values(a)).toEqual([1, 2, 3])
    expect(values(b)).toEqual([1, 2, 3])
    expect(values(c)).toEqual([1, 2, 3])
    expect(b.data).not.toBe(typed)
  })

  test('empty tensors', () => {
    expect(tensor([]).shape).toEqual([0])
    expect(tensor([[], []]).shape).toEqual([2, 0])
    expect(tensor([[], []]).toArray()).toEqual([[], []])
    expect(tensor([], [0, 3]).size).toBe(0)
  })

  test('a ragged array is a ShapeError', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError)
    expect(() => tensor([[1, 2], [3]])).toThrow('tensor(): [1] has length 1, expected length 2; the array is ragged.')
    expect(() => tensor([1, [2]] as never)).toThrow(ShapeError)
    expect(() => tensor([[1], 2] as never)).toThrow(ShapeError)
  })

  test('a value that is not a number or array is a DTypeError', () => {
    expect(() => tensor('1' as never)).toThrow(DTypeError)
    expect(() => tensor('1' as never)).toThrow(
      'tensor(): value is string; expected a number or a nested array of numbers.',
    )
    expect(() => tensor([1, 2], 'int32' as never)).toThrow(DTypeError)
  })

  test('flat data that does not fit the shape is a ShapeError', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError)
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor(): 3 values do not fit shape [2,2] (size 4).')
  })

  test('an invalid shape is a ShapeError', () => {
    expect(() => tensor([], [-1])).toThrow('shape [-1] is invalid: dimensions must be non-negative integers.')
    expect(() => zeros([1.5])).toThrow(ShapeError)
    expect(() => full([NaN], 0)).toThrow(ShapeError)
  })

  test.prop([arbShape({ maxRank: 3, minDim: 0 })])('toArray is row-major; tensor(toArray()) round-trips', (shape) => {
    const n = shape.reduce((a, b) => a * b, 1)
    const flat = Array.from({ length: n }, (_, i) => i)
    const t = tensor(flat, shape)
    expect(t.shape).toEqual(shape)
    expect(t.size).toBe(n)
    // element at multi-index (i₀, …, i_k) is flat[Σ i_d·stride_d] with stride_d = Π_{e>d} shape_e
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1))
    const at = (nested: unknown, idx: number[]): unknown => idx.reduce((x, i) => (x as unknown[])[i], nested)
    const idx = shape.map(() => 0)
    if (n > 0) {
      for (let k = 0; k < n; k++) {
        let r = k
        shape.forEach((_, d) => {
          idx[d] = Math.floor(r / strides[d]!)
          r %= strides[d]!
        })
        expect(at(t.toArray(), idx)).toBe(k)
      }
    }
    // a shape with a 0 dimension after the first loses the inner dims in nested form, so compare the flat data
    if (shape.slice(0, -1).every((d) => d > 0)) expect(tensor(t.toArray(), 'float32').shape).toEqual(shape)
  })
})

describe('Tensor', () => {
  test('is immutable: the object and its shape are frozen', () => {
    const t = tensor([[1, 2]])
    expect(Object.isFrozen(t)).toBe(true)
    expect(Object.isFrozen(t.shape)).toBe(true)
    expect(() => {
      ;(t as { dtype: string }).dtype = 'float64'
    }).toThrow(TypeError)
    expect(() => {
      ;(t.shape as number[])[0] = 5
    }).toThrow(TypeError)
  })

  test('shape is a copy of the argument', () => {
    const shape = [2, 2]
    const t = zeros(shape)
    shape[0] = 9
    expect(t.shape).toEqual([2, 2])
  })

  test('item() needs exactly one element', () => {
    expect(tensor([[5]]).item()).toBe(5)
    expect(() => tensor([1, 2]).item()).toThrow(ShapeError)
    expect(() => tensor([1, 2]).item()).toThrow(
      'item() needs exactly one element; got shape [2]. Index or reduce it first.',
    )
    expect(() => zeros([0]).item()).toThrow(ShapeError)
  })

  test('dataSync() is a fresh copy', () => {
    const t = tensor([1, 2])
    const d = t.dataSync()
    expect(d).not.toBe(t.data)
    expect(d).toBeInstanceOf(Float32Array)
    d[0] = 50
    expect(values(t)).toEqual([1, 2])
    expect(tensor([1], 'float64').dataSync()).toBeInstanceOf(Float64Array)
  })

  test('toString shows dtype, shape and values', () => {
    expect(String(tensor([[1, 2]]))).toBe('Tensor(float32, [1,2]) [[1,2]]')
  })

  test('isTensor', () => {
    expect(isTensor(tensor(1))).toBe(true)
    expect(isTensor([1])).toBe(false)
    expect(isTensor(null)).toBe(false)
    expect(isTensor(1)).toBe(false)
    expect(isTensor({ _tag: 'Other' })).toBe(false)
    expect(isTensor(new Float32Array(1))).toBe(false)
  })
})

describe('constructors', () => {
  test('zeros, ones, full', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ])
    expect(zeros([2]).dtype).toBe('float32')
    expect(ones([3], 'float64').dtype).toBe('float64')
    expect(ones([3]).toArray()).toEqual([1, 1, 1])
    expect(full([2], 7).toArray()).toEqual([7, 7])
    expect(values(full([1], 0.1))).toEqual([Math.fround(0.1)])
    expect(values(full([1], 0.1, 'float64'))).toEqual([0.1])
    expect(zeros([]).shape).toEqual([])
    expect(() => zeros([2], 'int8' as never)).toThrow(DTypeError)
  })

  test('zerosLike keeps shape and dtype unless a dtype is given', () => {
    const t = tensor([[1, 2, 3]], 'float64')
    const z = zerosLike(t)
    expect(z.shape).toEqual([1, 3])
    expect(z.dtype).toBe('float64')
    expect(z.toArray()).toEqual([[0, 0, 0]])
    expect(zerosLike(t, 'float32').dtype).toBe('float32')
  })

  test('arange counts from 0 with one argument; [start, stop) by step', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3])
    expect(arange(1, 2, 0.25, 'float64').toArray()).toEqual([1, 1.25, 1.5, 1.75])
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1])
    // ⌈(1 − 0)/0.3⌉ = 4 values: 0, 0.3, 0.6, 0.9
    expect(arange(0, 1, 0.3, 'float64').size).toBe(4)
    expect(arange(5, 1).size).toBe(0)
    expect(arange(0).size).toBe(0)
    expect(arange(2).dtype).toBe('float32')
  })

  test('arange rejects a zero or non-finite step', () => {
    expect(() => arange(0, 1, 0)).toThrow(RangeError)
    expect(() => arange(0, 1, 0)).toThrow('arange step must be a finite non-zero number; got 0')
    expect(() => arange(0, 1, NaN)).toThrow(RangeError)
    expect(() => arange(0, 1, Infinity)).toThrow(RangeError)
  })

  test.prop([fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 5 })])(
    'arange(start, stop, step) has ⌈(stop − start)/step⌉ integer values',
    (start, stop, step) => {
      const expected: number[] = []
      for (let v = start; v < stop; v += step) expected.push(v)
      expect(values(arange(start, stop, step))).toEqual(expected)
    },
  )
})
