import { describe, expect, it } from 'vitest'
import { ShapeError, initializers, prngKey } from '../../../src/index'

describe('initializers.zeros', () => {
  it('gives zeros of the shape and dtype, whatever the key', () => {
    const b = initializers.zeros(prngKey(0), [2, 3])
    expect(b.shape).toEqual([2, 3])
    expect(b.dtype).toBe('float32')
    expect(b.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ])
    expect(initializers.zeros(prngKey(1), [4], { dtype: 'float64' }).dtype).toBe('float64')
    expect(initializers.zeros(prngKey(1), [2, 3]).dataSync()).toEqual(b.dataSync())
    expect(initializers.zeros(prngKey(0), []).toArray()).toBe(0)
  })

  it('rejects shapes that are not lists of non-negative integers', () => {
    expect(() => initializers.zeros(prngKey(0), [1.5])).toThrow(ShapeError)
    expect(() => initializers.zeros(prngKey(0), [-1])).toThrow(
      'initializers.zeros: shape must be an array of non-negative integers',
    )
  })
})
