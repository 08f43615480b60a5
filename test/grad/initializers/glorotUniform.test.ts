import { describe, expect, it } from 'vitest'
import { ShapeError, glorotUniform, initializers, prngKey, splitKey } from '../../../src/index'

const maxOf = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => Math.max(a, b), -Infinity)

const moments = (x: ArrayLike<number>): { mean: number; variance: number } => {
  const xs = Array.from(x)
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length }
}

describe('glorotUniform', () => {
  it('has the requested shape and dtype (float32 by default); initializers.glorotUniform is the same', () => {
    const w = glorotUniform(prngKey(0), [3, 4])
    expect(w.shape).toEqual([3, 4])
    expect(w.dtype).toBe('float32')
    expect(glorotUniform(prngKey(0), [3, 4], { dtype: 'float64' }).dtype).toBe('float64')
    expect(initializers.glorotUniform).toBe(glorotUniform)
  })

  it('is deterministic in the key, and different keys give different weights', () => {
    const [k1, k2] = splitKey(prngKey(7))
    expect(glorotUniform(k1!, [20, 30]).dataSync()).toEqual(glorotUniform(k1!, [20, 30]).dataSync())
    expect(glorotUniform(k1!, [20, 30]).dataSync()).not.toEqual(glorotUniform(k2!, [20, 30]).dataSync())
  })

  it('stays within ±√(6/(fanIn + fanOut)) with fanIn = shape[0], fanOut = shape[1] for a dense kernel', () => {
    const limit = Math.sqrt(6 / (300 + 100))
    const w = glorotUniform(prngKey(1), [300, 100]).dataSync()
    expect(w.every((v) => Math.abs(v) <= limit)).toBe(true)
    // the samples fill the interval: the extremes are close to ±limit
    expect(maxOf(w)).toBeGreaterThan(0.99 * limit)
    expect(-maxOf(w.map((v) => -v))).toBeLessThan(-0.99 * limit)
  })

  it('has mean 0 and variance 2/(fanIn + fanOut) within statistical tolerance', () => {
    // n = 240000 uniform samples: the sample variance has relative standard error √(0.8/n) ≈ 0.0018
    const { mean, variance } = moments(glorotUniform(prngKey(2), [400, 600], { dtype: 'float64' }).dataSync())
    const target = 2 / (400 + 600)
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(target / 240000))
    expect(Math.abs(variance / target - 1)).toBeLessThan(0.01)
  })

  it('counts the receptive field of convolution kernels, and takes inAxis / outAxis / batchAxis', () => {
    // [h, w, in, out] = [3, 3, 16, 32]: fanIn = 9·16 = 144, fanOut = 9·32 = 288
    const conv = glorotUniform(prngKey(3), [3, 3, 16, 32]).dataSync()
    const limit = Math.sqrt(6 / (144 + 288))
    expect(conv.every((v) => Math.abs(v) <= limit)).toBe(true)
    expect(maxOf(conv.map(Math.abs))).toBeGreaterThan(0.99 * limit)
    // [out, in] layout: fans swap, the sum (and so the bound) is the same
    const t = glorotUniform(prngKey(3), [100, 300], { inAxis: 1, outAxis: 0 }).dataSync()
    expect(t.every((v) => Math.abs(v) <= Math.sqrt(6 / 400))).toBe(true)
    // a batch axis counts neither as fan nor as receptive field: [8, 10, 20] → fans 10 and 20
    const b = glorotUniform(prngKey(4), [8, 10, 20], { batchAxis: 0 }).dataSync()
    expect(maxOf(b.map(Math.abs))).toBeGreaterThan(0.9 * Math.sqrt(6 / 30))
    expect(b.every((v) => Math.abs(v) <= Math.sqrt(6 / 30))).toBe(true)
  })

  it('needs a rank ≥ 2 shape unless inAxis is given, and a shape of non-negative integers', () => {
    expect(() => glorotUniform(prngKey(0), [5])).toThrow(ShapeError)
    expect(() => glorotUniform(prngKey(0), [5])).toThrow(
      'glorotUniform: cannot compute fan_in and fan_out of a 1-d shape [5]',
    )
    expect(glorotUniform(prngKey(0), [5], { inAxis: 0, outAxis: 0 }).shape).toEqual([5])
    expect(() => glorotUniform(prngKey(0), [2, -1])).toThrow('shape must be an array of non-negative integers')
    expect(() => glorotUniform(prngKey(0), [2, 3], { inAxis: 2 })).toThrow(ShapeError)
  })
})
